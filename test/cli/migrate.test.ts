import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrations } from "../../migrations/index.js";
import { migrate } from "../support/global-setup.js";
import { hookgateFromSource, useEmptyDatabasePerTest } from "../support/hookgate-cli.js";

const newEmptyDatabase = useEmptyDatabasePerTest();

/** An empty database of the test's own (the per-file test databases are clones of the migrated template). */
async function emptyDatabase() {
  const database = await newEmptyDatabase();
  const url = database.env.DATABASE_URL!;
  const query = async <Row extends pg.QueryResultRow>(text: string): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<Row>(text)).rows;
    } finally {
      await client.end();
    }
  };
  return { env: database.env, url, query };
}

describe("hookgate migrate", () => {
  it("migrates an empty database, saying which migrations it applied", async () => {
    const { env, query } = await emptyDatabase();
    expect(await query(`select table_name from information_schema.tables where table_schema = 'public'`)).toEqual([]);

    const run = await hookgateFromSource(["migrate"], env);
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

  it("run on a migrated database, says the database is up to date and changes nothing", async () => {
    const { env, url, query } = await emptyDatabase();
    // Migrated as the command does it, in-process: this test is about the second run.
    await migrate(url);
    const before = await query(`select name, timestamp from kysely_migration order by name`);
    expect(before.map((row) => row.name)).toEqual(Object.keys(migrations));

    const run = await hookgateFromSource(["migrate"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("the database is up to date");
    expect(await query(`select name, timestamp from kysely_migration order by name`)).toEqual(before);
  });
});

describe("hookgate with an unknown command", () => {
  it("exits 2 with the usage text on stderr", async () => {
    // A database nothing listens on: a command that got as far as connecting would exit 1.
    const run = await hookgateFromSource(["nonsense"], { DATABASE_URL: "postgres://hookgate@127.0.0.1:9/nothing" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`unknown command "nonsense"`);
    expect(run.stderr).toMatch(/usage: hookgate <command>/);
    expect(run.stderr).toMatch(/^\s+migrate\s/m);
    expect(run.stdout).toBe("");
  });
});
