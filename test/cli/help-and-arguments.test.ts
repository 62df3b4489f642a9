import { mkdtemp, rm, stat } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";
import { hookgate } from "../support/hookgate-cli.js";

// Nothing here may reach a database: DATABASE_URL points where nothing listens, so a command
// that got as far as connecting would fail with exit 1 instead of the status expected.
let scratch = "";
let env: Record<string, string> = {};
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "hookgate-cli-args-"));
  env = { DATABASE_URL: "postgres://hookgate@127.0.0.1:9/nothing", HOOKGATE_DATA_DIR: path.join(scratch, "data") };
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const commands = ["start", "serve", "worker", "migrate", "create-organization", "create-api-key"];

describe("hookgate --help", () => {
  it("lists every command on stdout and exits 0", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const run = await hookgate(args, env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^usage: hookgate <command>/);
      for (const command of commands) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\s`, "m"));
      expect(run.stderr).toBe("");
    }
  });

  it.each(commands)("hookgate %s --help prints that command's usage on stdout and exits 0", async (command) => {
    const run = await hookgate([command, "--help"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^usage: hookgate ${command}\\b`));
    expect(run.stderr).toBe("");
    expect((await hookgate(["help", command], env)).stdout).toBe(run.stdout);
  });

  it("documents the options of the commands that take them", async () => {
    expect((await hookgate(["create-organization", "-h"], env)).stdout).toContain("--json");
    const createApiKey = (await hookgate(["create-api-key", "--help"], env)).stdout;
    expect(createApiKey).toMatch(/--organization <id>/);
    expect(createApiKey).toMatch(/--role <role>\s+ADMIN or VIEWER/);
  });

  it("serve --help starts nothing: no server listens, no embedded database is created", async () => {
    const port = await freePort();
    const { DATABASE_URL: _unset, ...embedded } = env;
    const run = await hookgate(["serve", "--help"], { ...embedded, PORT: String(port) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^usage: hookgate serve/);
    await expect(stat(embedded.HOOKGATE_DATA_DIR!)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await listening(port)).toBe(false);
  });
});

describe.concurrent("hookgate with bad arguments", () => {
  const uuid = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  it.each([
    { args: [], problem: "missing a command", usage: "<command>" },
    { args: ["launch"], problem: `unknown command "launch"`, usage: "<command>" },
    { args: ["--verbose"], problem: `unknown option "--verbose"`, usage: "<command>" },
    { args: ["help", "launch"], problem: `unknown command "launch"`, usage: "<command>" },
    { args: ["serve", "--port", "80"], problem: `unknown option "--port"`, usage: "serve" },
    { args: ["worker", "now"], problem: `unexpected argument "now"`, usage: "worker" },
    { args: ["migrate", "-f"], problem: `unknown option "-f"`, usage: "migrate" },
    { args: ["create-organization"], problem: "missing the organization's <name>", usage: "create-organization" },
    { args: ["create-organization", "Acme", "Tickets"], problem: `unexpected argument "Tickets"`, usage: "create-organization" },
    { args: ["create-organization", "  "], problem: "the organization's name: must not be empty", usage: "create-organization" },
    { args: ["create-organization", "Acme", "--json=yes"], problem: "--json takes no value", usage: "create-organization" },
    { args: ["create-api-key", "--role", "ADMIN"], problem: "missing --organization <id>", usage: "create-api-key" },
    { args: ["create-api-key", "--organization", uuid], problem: "missing --role ADMIN|VIEWER", usage: "create-api-key" },
    { args: ["create-api-key", "--organization", "--role", "ADMIN"], problem: "--organization needs a value", usage: "create-api-key" },
    { args: ["create-api-key", "--organization", uuid, "--role"], problem: "--role needs a value", usage: "create-api-key" },
    {
      args: ["create-api-key", "--organization", uuid, "--role", "OWNER"],
      problem: `--role: expected ADMIN or VIEWER, got "OWNER"`,
      usage: "create-api-key",
    },
    {
      args: ["create-api-key", "--organization", "acme", "--role", "ADMIN"],
      problem: `--organization: "acme" is not an organization id (a UUID)`,
      usage: "create-api-key",
    },
    {
      args: ["create-api-key", "--organization", uuid, "--role", "ADMIN", "--role", "VIEWER"],
      problem: "--role is given more than once",
      usage: "create-api-key",
    },
    { args: ["create-api-key", "--organisation", uuid], problem: `unknown option "--organisation"`, usage: "create-api-key" },
  ])("hookgate $args: exits 2 with the problem and the usage on stderr", async ({ args, problem, usage }) => {
    const run = await hookgate(args, env);
    expect(run.code, run.stderr).toBe(2);
    const [first, blank, ...rest] = run.stderr.split("\n");
    expect(first).toBe(`hookgate: ${problem}`);
    expect(blank).toBe("");
    expect(rest.join("\n")).toMatch(new RegExp(`^usage: hookgate ${usage}`));
    expect(run.stdout).toBe("");
  });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}
