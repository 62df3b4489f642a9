import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrations } from "../../migrations/index.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { useTestDatabase } from "../support/test-database.js";

// Migration 0014 widens the type checks of hooks and publications without validating a big table
// under ACCESS EXCLUSIVE: the checks are added NOT VALID in a short transaction and validated
// after it. Interrupted in between, it runs again; undone, it leaves operational rows in place.
const migration = migrations["0014_operational_hooks"]!;

describe("migration 0014 (operational hooks)", () => {
  const test = useTestDatabase();

  async function checks() {
    const { rows } = await sql<{ name: string; validated: boolean; operational: boolean }>`
      select conname as name, convalidated as validated, pg_get_constraintdef(oid) like '%GROUP_RECOVERED%' as operational
      from pg_constraint where conname in ('hooks_type_check', 'publications_type_check') order by conname`.execute(test.db);
    return rows;
  }
  const widened = [
    { name: "hooks_type_check", validated: true, operational: true },
    { name: "publications_type_check", validated: true, operational: true },
  ];

  /** An organization with a group: what a hook needs. */
  async function group() {
    const { rows } = await sql<{ organization_id: string; id: string }>`
      with o as (insert into organizations (name) values ('Acme') returning id)
      insert into webhook_groups (organization_id, name, signing_secret_encrypted, mode)
      select id, 'ops', 'x', 'LIVE' from o returning organization_id, id`.execute(test.db);
    return rows[0]!;
  }
  function insertHook(owner: { organization_id: string; id: string }, type: string, position: number) {
    return sql`insert into hooks (webhook_group_id, organization_id, position, type, method, endpoint)
      values (${owner.id}, ${owner.organization_id}, ${position}, ${type}, 'POST', 'https://ops.example/')`.execute(test.db);
  }

  it("leaves both checks widened and validated, and the database still refuses an unknown type", async () => {
    expect(await checks()).toEqual(widened);
    const owner = await group();
    await insertHook(owner, "GROUP_DISABLED", 1);
    await expect(insertHook(owner, "GROUP_EXPLODED", 2)).rejects.toMatchObject({ code: "23514" }); // check_violation
    const publication = sql`insert into publications (organization_id, type, occurred_at, data, external, mode)
      values (${owner.organization_id}, 'GROUP_EXPLODED', now(), '{}', false, 'LIVE')`.execute(test.db);
    await expect(publication).rejects.toMatchObject({ code: "23514" });
  });

  it("runs again after an interruption between its transaction and the validation", async () => {
    // What a process stopped right after the first transaction leaves: the checks added NOT
    // VALID, the column there, and no record of the migration.
    await sql`alter table hooks drop constraint hooks_type_check,
      add constraint hooks_type_check check (type in ('ORDER_CREATED', 'GROUP_DISABLED', 'DELIVERY_FAILED', 'GROUP_RECOVERED')) not valid`.execute(test.db);
    await sql`delete from kysely_migration where name = '0014_operational_hooks'`.execute(test.db);

    expect(await migrateToLatest(test.db, test.url)).toEqual(["0014_operational_hooks"]);
    expect(await checks()).toEqual(widened);
    // And once more over a finished run.
    await migration.up(test.db);
    expect(await checks()).toEqual(widened);
  });

  it("is undone with operational hooks in place, and applied again", async () => {
    const owner = await group();
    await insertHook(owner, "DELIVERY_FAILED", 1);

    await migration.down!(test.db);
    // The operational hook stays; a new one is refused.
    await expect(insertHook(owner, "GROUP_RECOVERED", 2)).rejects.toMatchObject({ code: "23514" });
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from hooks where type = 'DELIVERY_FAILED'`.execute(test.db);
    expect(rows[0]!.count).toBeGreaterThan(0);

    await migration.up(test.db);
    expect(await checks()).toEqual(widened);
    await insertHook(owner, "GROUP_RECOVERED", 2);
  });
});
