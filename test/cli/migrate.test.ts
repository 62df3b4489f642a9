import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrations } from "../../migrations/index.js";
import { admin, databaseUrl } from "../support/global-setup.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx tsx src/main.ts <args>` as an operator would type it, with only the environment given. */
function hookgate(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      "npx",
      ["tsx", "src/main.ts", ...args],
      // PATH and HOME so npx finds node and its cache; nothing else leaks in from the test runner.
      { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const serverUrl = inject("databaseServerUrl");
// An empty database of our own: the per-file test databases are clones of the migrated template.
const name = `hookgate_migrate_${randomBytes(4).toString("hex")}`;
const url = databaseUrl(serverUrl, name);
let env: Record<string, string> = {};
let dataDir = "";

beforeAll(async () => {
  await admin(serverUrl, `create database ${name}`);
  dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-migrate-"));
  env = { DATABASE_URL: url, HOOKGATE_DATA_DIR: dataDir, LOG_LEVEL: "silent" };
});

afterAll(async () => {
  await admin(serverUrl, `drop database if exists ${name} with (force)`);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function query<Row extends pg.QueryResultRow>(text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("hookgate migrate", () => {
  it("migrates an empty database, saying which migrations it applied", async () => {
    expect(await query(`select table_name from information_schema.tables where table_schema = 'public'`)).toEqual([]);

    const run = await hookgate(["migrate"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(`applied: ${Object.keys(migrations).join(", ")}`);

    const tables = await query<{ name: string }>(
      `select table_schema || '.' || table_name as name from information_schema.tables where table_type = 'BASE TABLE'`,
    );
    const names = tables.map((table) => table.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "public.organizations",
        "public.api_keys",
        "public.events",
        "public.orders",
        "public.webhook_groups",
        "public.hooks",
        "public.kysely_migration",
      ]),
    );
    // graphile-worker's own schema, the delivery queue, is migrated by the same command.
    expect(names.some((table) => table.startsWith("graphile_worker."))).toBe(true);
    const recorded = await query<{ name: string }>(`select name from kysely_migration order by name`);
    expect(recorded.map((row) => row.name)).toEqual(Object.keys(migrations));
  });

  it("run again, says the database is up to date and changes nothing", async () => {
    const before = await query(`select name, timestamp from kysely_migration order by name`);
    const run = await hookgate(["migrate"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("the database is up to date");
    expect(await query(`select name, timestamp from kysely_migration order by name`)).toEqual(before);
  });
});

describe("hookgate with an unknown command", () => {
  it("exits 2 with the usage text on stderr", async () => {
    const run = await hookgate(["nonsense"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`unknown command "nonsense"`);
    expect(run.stderr).toMatch(/usage: hookgate <command>/);
    expect(run.stderr).toMatch(/^\s+migrate\s/m);
    expect(run.stdout).toBe("");
  });
});
