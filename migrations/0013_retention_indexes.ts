import { type Kysely, sql } from "kysely";

// Retention (src/store/retention.ts, docs/retention.md) deletes what is older than the window in
// small batches, each found through an index, so no batch reads a big table and none holds a lock
// for long. The foreign keys need theirs too: deleting a publication makes PostgreSQL look for
// deliveries and idempotency keys that still name it, once per publication deleted.
//
// Built with CREATE INDEX CONCURRENTLY, so an install with millions of deliveries keeps writing
// them while the indexes build; a transaction refuses that, so this migration runs alone, outside
// one (src/store/migrate.ts). A build that was interrupted leaves an invalid index behind: it is
// dropped and built again.
export const transactional = false;

const indexes: Array<[name: string, definition: string]> = [
  // Finished deliveries by when they finished: what retention deletes, oldest first.
  ["deliveries_finished", "deliveries (finished_at) where finished_at is not null"],
  // Whether a publication still has deliveries; also what the foreign key's check reads.
  ["deliveries_publication", "deliveries (publication_id) where publication_id is not null"],
  ["publications_created", "publications (created_at)"],
  // Expired idempotency keys, and the foreign key's check when a publication goes.
  ["publication_keys_created", "publication_keys (created_at)"],
  ["publication_keys_publication", "publication_keys (publication_id)"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, definition] of indexes) {
    const { rows } = await sql<{ valid: boolean }>`
      select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = ${name} and c.relnamespace = current_schema()::regnamespace`.execute(db);
    if (rows[0]?.valid === false) await sql`drop index concurrently ${sql.id(name)}`.execute(db);
    await sql`create index concurrently if not exists ${sql.id(name)} on ${sql.raw(definition)}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of indexes) await sql`drop index concurrently if exists ${sql.id(name)}`.execute(db);
}
