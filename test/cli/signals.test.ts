import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { freePort } from "../support/free-port.js";
import { useEmptyDatabase } from "../support/hookgate-cli.js";

// No NODE_ENV here, as in production: libraries that behave differently under NODE_ENV=test
// (Apollo installs its own signal handlers otherwise) must not hide a shutdown that hangs.
const database = useEmptyDatabase();

describe("hookgate start under signals", () => {
  it("stops on SIGTERM, sent twice as systemd and a shell may, and exits 0", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["bin/hookgate.js", "start"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...database.env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal!)));
    try {
      const healthy = () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      const started = await eventually(
        async () => ({ healthy: await healthy(), exited: child.exitCode !== null }),
        (state) => state.healthy || state.exited,
        { timeoutMs: 30_000, intervalMs: 200, what: "healthy hookgate" },
      ).catch(() => ({ healthy: false }));
      if (!started.healthy) throw new Error(`hookgate did not start:\n${stderr}`);
      child.kill("SIGTERM");
      child.kill("SIGTERM");
      const outcome = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running after 10 s"), 10_000))]);
      expect(outcome, stderr).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
