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

describe("hookgate start stopped while it starts", () => {
  // A first start initialises its embedded PostgreSQL: seconds in which a newcomer may well press
  // Ctrl-C. Node's own answer would end hookgate at once and leave that PostgreSQL running.
  it("with its embedded PostgreSQL, on SIGINT to hookgate alone: stops as soon as it has started, exits 0, and leaves no PostgreSQL running", async () => {
    const started = await startOnFreshDataDir();
    try {
      await eventually(started.stderr, (text) => text.includes("starting an embedded PostgreSQL"), { timeoutMs: 30_000, what: "the embedded PostgreSQL starting" });
      process.kill(started.child.pid!, "SIGINT");
      const outcome = await started.outcome(90_000);
      expect(outcome, started.stderr()).toBe(0);
      expect(started.stderr()).toContain("hookgate is still starting, and stops as soon as it has");
      expect(postgresOn(started.dataDir), started.stderr()).toEqual([]);
      await expect(stat(path.join(started.dataDir, "postgres", "postmaster.pid"))).rejects.toThrow();
    } finally {
      await started.cleanUp();
    }
  }, 150_000);

  // A terminal's Ctrl-C reaches the whole group, initdb included, which stops and cleans up.
  it("with its embedded PostgreSQL, on a terminal's Ctrl-C during initdb: says it stopped while starting and exits 0, and the next start works", async () => {
    const started = await startOnFreshDataDir();
    try {
      await eventually(() => processesOn(started.dataDir, "initdb").length, (count) => count > 0, { timeoutMs: 30_000, intervalMs: 20, what: "initdb running" });
      process.kill(-started.child.pid!, "SIGINT");
      const outcome = await started.outcome(90_000);
      expect(outcome, started.stderr()).toBe(0);
      expect(started.stderr()).toContain("stopped while starting");
      expect(started.stderr()).not.toMatch(/"level":50|Error: /);
      expect(postgresOn(started.dataDir)).toEqual([]);

      const again = await startOnFreshDataDir(started.dataDir);
      try {
        await eventually(again.stderr, (text) => text.includes("hookgate is listening"), { timeoutMs: 90_000, what: "the next start listening" });
        process.kill(-again.child.pid!, "SIGTERM");
        expect(await again.outcome(60_000), again.stderr()).toBe(0);
      } finally {
        await again.cleanUp();
      }
    } finally {
      await started.cleanUp();
    }
  }, 240_000);

  // With DATABASE_URL nothing of hookgate's runs beside it; a start waiting for an unreachable
  // database must not hold `docker stop` until its SIGKILL.
  it("with DATABASE_URL, on SIGTERM while it waits for the database: exits at once with 143", async () => {
    const started = await startOnFreshDataDir(undefined, { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere` });
    try {
      await eventually(started.stderr, (text) => text.includes("waiting for the database"), { timeoutMs: 30_000, what: "the wait for the database" });
      const signalledAt = Date.now();
      process.kill(started.child.pid!, "SIGTERM");
      expect(await started.outcome(10_000), started.stderr()).toBe(143);
      expect(Date.now() - signalledAt).toBeLessThan(5_000);
    } finally {
      await started.cleanUp();
    }
  }, 60_000);
});

/** `hookgate start` in a group of its own (as a terminal gives it), on a data directory of its own. */
async function startOnFreshDataDir(reuse?: string, env: Record<string, string> = {}) {
  const dataDir = reuse ?? (await mkdtemp(path.join(tmpdir(), "hookgate-starting-")));
  const child = spawn(process.execPath, ["bin/hookgate.js", "start"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOOKGATE_DATA_DIR: dataDir, PORT: String(await freePort()), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal!)));
  return {
    child,
    dataDir,
    stderr: () => stderr,
    outcome: (timeoutMs: number) =>
      Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(`still running after ${timeoutMs} ms`), timeoutMs))]),
    /** Whatever happened: no process of it, and no PostgreSQL on its folder, is left; the folder goes (unless reused). */
    async cleanUp() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      for (const pid of postgresOn(dataDir)) process.kill(pid, "SIGINT");
      await eventually(() => postgresOn(dataDir).length, (count) => count === 0, { timeoutMs: 30_000, what: "no PostgreSQL left" }).catch(() => {});
      if (!reuse) await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

/** The pids of the postmasters serving the cluster in `dataDir`. */
const postgresOn = (dataDir: string) => processesOn(dataDir, "bin/postgres");

/** The pids of processes whose command line names `program` and the cluster in `dataDir`. */
function processesOn(dataDir: string, program: string): number[] {
  const cluster = path.join(dataDir, "postgres");
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return command.includes(program) && command.includes(cluster);
      } catch {
        return false;
      }
    })
    .map(Number);
}
