#!/usr/bin/env node
// `npx hookgate <command>`: runs src/main.ts in this very process through tsx's loader, rather
// than a child `tsx` process, so SIGINT/SIGTERM and the exit status need no relaying.
// The tsconfig is hookgate's own, whatever directory the command is run from.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../src/main.ts");
