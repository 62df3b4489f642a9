import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "./support/eventually.js";
import { freePort } from "./support/free-port.js";

// The README's promise, checked the way a newcomer would: `npm start` with no DATABASE_URL
// starts an embedded PostgreSQL in HOOKGATE_DATA_DIR, prints the first-start banner once, and
// keeps its data across a restart.

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once npm is gone; true when it ended cleanly (exit 0, or the signal the test sent). */
  exited: Promise<boolean>;
}

function npmStart(env: Record<string, string>): Started {
  const { DATABASE_URL: _unset, ...inherited } = process.env;
  const child = spawn("npm", ["start", "--silent"], {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: { ...inherited, ...env },
    detached: true, // its own process group, so the test can stop npm, node and postgres together
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<boolean>((resolve) =>
    child.on("exit", (code, signal) => {
      // npm itself ends by the signal, or with 128 + its number.
      const clean = code === 0 || code === 130 || code === 143 || signal === "SIGTERM" || signal === "SIGINT";
      if (!clean) console.error(`npm start ended with ${code ?? signal}:\n${stderr}`);
      resolve(clean);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitForHealth(url: string, started: Started): Promise<void> {
  const state = await eventually(
    async () => ({ healthy: await fetch(`${url}/health`).then((r) => r.ok, () => false), exited: started.child.exitCode !== null }),
    ({ healthy, exited }) => healthy || exited,
    { timeoutMs: 60_000, intervalMs: 200, what: "healthy hookgate" },
  );
  if (!state.healthy) throw new Error("hookgate exited before it was ready");
}

/**
 * The signal to npm's whole process group, as systemd (SIGTERM) or a terminal's Ctrl-C (SIGINT)
 * sends it; resolves once every process of the group is gone.
 */
async function stop(started: Started, signal: "SIGTERM" | "SIGINT" = "SIGTERM"): Promise<boolean> {
  const { exitCode, signalCode, pid } = started.child;
  if (exitCode === null && signalCode === null && pid) process.kill(-pid, signal);
  const clean = await started.exited;
  // npm exits at once on SIGTERM; hookgate and its PostgreSQL finish shutting down after it.
  if (pid) await eventually(() => groupAlive(pid), (alive) => !alive, { timeoutMs: 30_000, intervalMs: 100, what: "end of npm's process group" }).catch(() => {});
  return clean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Log lines at level error (50) or above, and anything that is not a log line but says error. */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => {
    if (!line.startsWith("{")) return /error/i.test(line);
    return (JSON.parse(line) as { level: number }).level >= 50;
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function viewer(url: string, key: string) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ query: "{ viewer { role organization { id name } } }" }),
  });
  return response.json();
}

describe("quick start: npm start on a fresh machine", () => {
  const running: Started[] = [];
  let dataDir = "";
  afterAll(async () => {
    await Promise.all(running.map((started) => stop(started)));
    if (dataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  it("starts with an embedded PostgreSQL, prints the admin key once, and keeps data across restarts", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-quickstart-"));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), HOOKGATE_DATA_DIR: dataDir, LOG_LEVEL: "warn" };

    const first = npmStart(env);
    running.push(first);
    await waitForHealth(url, first);
    const banner = first.stdout();
    const key = /admin API key:\s+(hg_\S+)/.exec(banner)?.[1];
    const organizationId = /organization id:\s+(\S+)/.exec(banner)?.[1];
    expect(key).toBeDefined();
    expect(banner).toContain(`playground:      http://localhost:${port}/graphql`);
    expect(await viewer(url, key!)).toEqual({
      data: { viewer: { role: "ADMIN", organization: { id: organizationId, name: "Default" } } },
    });
    expect((await stat(path.join(dataDir, "postgres", "PG_VERSION"))).isFile()).toBe(true);
    expect((await stat(path.join(dataDir, "secret.key"))).mode & 0o777).toBe(0o600);
    expect(await stop(first)).toBe(true);

    const second = npmStart(env);
    running.push(second);
    await waitForHealth(url, second);
    expect(second.stdout()).not.toContain("admin API key");
    expect(await viewer(url, key!)).toEqual({
      data: { viewer: { role: "ADMIN", organization: { id: organizationId, name: "Default" } } },
    });
    // Ctrl-C reaches every process of the terminal's group; the embedded PostgreSQL, in a session
    // of its own, must stop after hookgate, not under its worker.
    const postmaster = Number((await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
    expect(await stop(second, "SIGINT")).toBe(true);
    await eventually(() => processAlive(postmaster), (alive) => !alive, { timeoutMs: 30_000, what: "the embedded PostgreSQL gone" });
    await expect(stat(path.join(dataDir, "postgres", "postmaster.pid"))).rejects.toThrow();
    expect(errorLines(second.stderr())).toEqual([]);
  }, 120_000);
});
