import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { binaryFolder, letPostgresUserReach } from "../src/store/embedded-postgres.js";
import { freePort } from "./ports.js";

/** A PostgreSQL cluster the harness owns: on one fixed port for its whole life, restarted at will. */
export interface Cluster {
  /** URL of the run's `hookgate` database. */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m immediate` (every backend killed, crash recovery at the next start), `downMs` of nothing, start. */
  restartImmediately(downMs: number): Promise<void>;
  /** Copies the server's log to `file`. */
  saveLog(file: string): Promise<void>;
  stop(): Promise<void>;
}

const user = "postgres";

/**
 * initdb and pg_ctl from the embedded-postgres package's binaries, driven directly rather than
 * through src/store/embedded-postgres.ts: that one picks a new port at each start and knows no
 * immediate shutdown, and the harness needs both a fixed port and `-m immediate`. As root, the
 * binaries run as the `postgres` user (PostgreSQL refuses to run as root).
 */
export async function startCluster(dir: string): Promise<Cluster> {
  const bin = await binaryFolder();
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const passwordFile = path.join(dir, "password");
  const password = randomBytes(18).toString("base64url");
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(passwordFile, password, { mode: 0o600 });
  if (owner) {
    await letPostgresUserReach([dir, bin]);
    for (const entry of [dir, ...(await readdir(dir)).map((name) => path.join(dir, name))]) await chown(entry, owner.uid, owner.gid);
  }
  const run = (tool: string, args: string[]) => runAs(owner, path.join(bin, tool), args);

  await run("initdb", ["-D", dataDir, "-U", user, "--auth=scram-sha-256", `--pwfile=${passwordFile}`, "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  // TCP on loopback only: no Unix socket, nothing in /tmp. Connections for three hookgate pools and the harness.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300`;
  const start = () => run("pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "120", "-o", options, "start"]);
  await start();

  const serverUrl = `postgres://${user}:${password}@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query("create database hookgate").finally(() => admin.end());

  return {
    url: `${serverUrl}/hookgate`,
    port,
    async restartImmediately(downMs) {
      await run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      await sleep(downMs);
      await start();
    },
    saveLog: (file) => copyFile(logFile, file),
    async stop() {
      await run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]);
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, user], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

function runAs(owner: { uid: number; gid: number } | undefined, file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...owner, env: { PATH: process.env.PATH ?? "", LC_ALL: "C" }, timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.at(-1)} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}
