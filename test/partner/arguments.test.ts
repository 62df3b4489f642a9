import net from "node:net";
import { describe, expect, it } from "vitest";
import { hookgate } from "../support/hookgate-cli.js";

// Every refusal comes before anything listens: exit 2, the flag named, the partner's usage after it.
describe("hookgate partner's command line", () => {
  it("--help describes every option and exits 0", async () => {
    const run = await hookgate(["partner", "--help"], {});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^usage: hookgate partner /);
    for (const option of ["--port", "--client-id", "--client-secret", "--secret", "--fail-rate", "--delay", "--seed", "--doo-token", "--json"]) {
      expect(run.stdout).toContain(`  ${option}`);
    }
  });

  it.each([
    { args: ["--port", "70000"], problem: '--port: expected a port number from 0 to 65535, got "70000"' },
    { args: ["--port", "http"], problem: '--port: expected a port number from 0 to 65535, got "http"' },
    { args: ["--fail-rate", "1.5"], problem: '--fail-rate: expected a number from 0 to 1 (0.2) or a percentage (20%), got "1.5"' },
    { args: ["--fail-rate", "half"], problem: '--fail-rate: expected a number from 0 to 1 (0.2) or a percentage (20%), got "half"' },
    { args: ["--delay", "2"], problem: '--delay: expected a duration such as 500ms, 2s or 1m, got "2"' },
    { args: ["--secret", "not-base64!"], problem: "--secret: secret must be base64, optionally prefixed with whsec_, or a whpk_ public key" },
    { args: ["--secret", "whsk_AAAA"], problem: "--secret: a whsk_ secret key signs and stays with the sender; verify with the whpk_ public key" },
    { args: ["--client-secret", "has space"], problem: "--client-secret: 1 to 200 printable ASCII characters, no spaces" },
    { args: ["--seed", "-1"], problem: "--seed needs a value" },
    { args: ["--fail"], problem: 'unknown option "--fail"' },
    { args: ["--json=yes"], problem: "--json takes no value" },
    { args: ["--port"], problem: "--port needs a value" },
    { args: ["4001"], problem: 'unexpected argument "4001"' },
  ])("refuses $args: $problem", async ({ args, problem }) => {
    const run = await hookgate(["partner", ...args], {});
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n").slice(0, 3)).toEqual([`hookgate: ${problem}`, "", expect.stringMatching(/^usage: hookgate partner /)]);
  });

  it("exits 1 saying so when its port is taken", async () => {
    const taken = net.createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => taken.once("listening", resolve));
    try {
      const { port } = taken.address() as net.AddressInfo;
      const run = await hookgate(["partner", "--port", String(port)], {});
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`hookgate partner: port ${port} is in use: stop what listens there, or pass --port\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
