import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { useForTests } from "./use-for-tests.js";
import { createDatabase, type Db } from "../../src/store/database.js";
import { admin, databaseUrl } from "./global-setup.js";

const root = path.resolve(import.meta.dirname, "../..");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/hookgate.js <args>`, what `npx hookgate` runs, with only the environment given. */
export function hookgate(args: string[], env: Record<string, string>): Promise<Run> {
  return run(process.execPath, ["bin/hookgate.js", ...args], env);
}

/** `npx tsx src/main.ts <args>`, as an operator types it in a checkout, with only the environment given. */
export function hookgateFromSource(args: string[], env: Record<string, string>): Promise<Run> {
  return run("npx", ["tsx", "src/main.ts", ...args], env);
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      // PATH and HOME so npx finds node and tsx its compile cache; nothing else leaks in from the test runner.
      { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface EmptyDatabase {
  /** The environment that points hookgate at it. */
  env: Record<string, string>;
  /** For checking what the commands wrote; connect only after the first command migrated it. */
  db: Db;
  drop(): Promise<void>;
}

/** A database with no tables at all, as an operator's new PostgreSQL database would be. */
export async function createEmptyDatabase(): Promise<EmptyDatabase> {
  const serverUrl = inject("databaseServerUrl");
  const name = `hookgate_cli_${randomBytes(4).toString("hex")}`;
  await admin(serverUrl, `create database ${name}`);
  const url = databaseUrl(serverUrl, name);
  const dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-cli-"));
  const db = createDatabase(url, { max: 2 });
  return {
    env: { DATABASE_URL: url, HOOKGATE_DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    db,
    async drop() {
      await db.destroy();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An empty database for the file's tests: created before them, dropped after them. */
export function useEmptyDatabase(): EmptyDatabase {
  return useForTests(createEmptyDatabase, (database) => database.drop());
}

/** For tests that each need an empty database of their own: every one made is dropped after its test. */
export function useEmptyDatabasePerTest(): () => Promise<EmptyDatabase> {
  const made: EmptyDatabase[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((database) => database.drop()));
  });
  return async () => {
    const database = await createEmptyDatabase();
    made.push(database);
    return database;
  };
}
