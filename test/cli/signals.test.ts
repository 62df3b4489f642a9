import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
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

describe("hookgate start under a Ctrl-C while it starts", () => {
  // A first start initialises its embedded PostgreSQL: seconds in which a newcomer may well press
  // Ctrl-C. Node's own answer would end hookgate at once and leave that PostgreSQL running.
  it("stops as soon as it has started, exits 0, and leaves no PostgreSQL running", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-ctrl-c-"));
    const child = spawn(process.execPath, ["bin/hookgate.js", "start"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOOKGATE_DATA_DIR: dataDir, PORT: String(await freePort()), HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal!)));
    try {
      await eventually(() => stderr, (text) => text.includes("starting an embedded PostgreSQL"), { timeoutMs: 30_000, what: "the embedded PostgreSQL starting" });
      child.kill("SIGINT");
      const outcome = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running after 90 s"), 90_000))]);
      expect(outcome, stderr).toBe(0);
      expect(stderr).toContain("hookgate is still starting, and stops as soon as it has");
      expect(postgresRunningOn(dataDir), stderr).toBe(false);
      await expect(stat(path.join(dataDir, "postgres", "postmaster.pid"))).rejects.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  }, 120_000);
});

/** Whether a postgres process serves the cluster in `dataDir` (its command line names the folder). */
function postgresRunningOn(dataDir: string): boolean {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(path.join(dataDir, "postgres"));
      } catch {
        return false;
      }
    });
}
