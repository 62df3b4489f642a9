import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrations } from "../../migrations/index.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { useTestDatabase } from "../support/test-database.js";

// Migration 0013 builds retention's indexes with CREATE INDEX CONCURRENTLY, which PostgreSQL
// refuses inside a transaction: the migrator runs it alone, outside one, and a build that was
// interrupted (an invalid index left behind) is built again.
const names = ["deliveries_finished", "deliveries_publication", "publications_created", "publication_keys_created", "publication_keys_publication"];

describe("migration 0013 (retention's indexes)", () => {
  const test = useTestDatabase();

  /**
   * Takes the database back to just before 0013: the migrations after it undone (a database that
   * had not reached them yet; test/observability/readiness.test.ts covers one that had), and 0013
   * forgotten, its indexes left as the test set them.
   */
  async function forget0013(): Promise<string[]> {
    const later = Object.keys(migrations).filter((name) => name > "0013_retention_indexes").sort().reverse();
    for (const name of later) {
      await migrations[name]!.down!(test.db);
      await sql`delete from kysely_migration where name = ${name}`.execute(test.db);
    }
    await sql`delete from kysely_migration where name = '0013_retention_indexes'`.execute(test.db);
    return ["0013_retention_indexes", ...later.reverse()];
  }

  async function indexes() {
    const { rows } = await sql<{ name: string; valid: boolean }>`
      select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = any(${names}::text[]) order by c.relname`.execute(test.db);
    return rows;
  }

  it("leaves every index built and valid", async () => {
    expect(await indexes()).toEqual([...names].sort().map((name) => ({ name, valid: true })));
  });

  it("runs again outside a transaction, after the others, and rebuilds an index an interrupted build left invalid", async () => {
    await sql`drop index publications_created`.execute(test.db);
    // What a process killed during CREATE INDEX CONCURRENTLY leaves: the index, marked invalid.
    await sql`update pg_index set indisvalid = false where indexrelid = 'deliveries_finished'::regclass`.execute(test.db);
    const reapplied = await forget0013();

    expect(await migrateToLatest(test.db, test.url)).toEqual(reapplied);
    expect(await indexes()).toEqual([...names].sort().map((name) => ({ name, valid: true })));
    expect(await migrateToLatest(test.db, test.url)).toEqual([]);
  });

  it("lets two processes migrate at once: one applies, the other finds nothing left", async () => {
    await sql`drop index deliveries_publication`.execute(test.db);
    const reapplied = await forget0013();

    const both = await Promise.all([migrateToLatest(test.db, test.url), migrateToLatest(test.db, test.url)]);

    expect(both.flat()).toEqual(reapplied);
    expect((await indexes()).every((index) => index.valid)).toBe(true);
  });
});
