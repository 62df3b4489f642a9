import { type Kysely, sql } from "kysely";

// Operational webhooks: an organization subscribes to hookgate's own events about its groups
// (GROUP_DISABLED, DELIVERY_FAILED, GROUP_RECOVERED) with hooks of those types, published like any
// other change. The type checks of hooks and publications take the three new types (deliveries
// have none). `auto_disabled` tells a group switched off for failing too long from one switched off
// by hand: only the first is announced as recovered when it is switched back on. Groups disabled
// for failing before this migration are recognized by the reason hookgate wrote for them.
//
// Replacing a check constraint validates every row under ACCESS EXCLUSIVE: on a million
// publications, seconds to minutes in which no worker records and nothing publishes. So the wider
// checks are added NOT VALID (instant: only new rows are checked) in a short transaction of their
// own, and validated afterwards, outside it, under a lock that lets rows be read and written
// meanwhile; the migration therefore runs outside the migrator's transaction (src/store/migrate.ts).
// Interrupted between the two, it runs again from the start: every step can be repeated.
export const transactional = false;

const sourceTypes = `'EVENT_CREATED', 'EVENT_REMOVED', 'EVENT_UPDATED',
  'ORDER_CREATED', 'ORDER_REMOVED', 'ORDER_UPDATED', 'ORDER_CANCELLED'`;
const operationalTypes = `'GROUP_DISABLED', 'DELIVERY_FAILED', 'GROUP_RECOVERED'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      alter table hooks drop constraint if exists hooks_type_check,
        add constraint hooks_type_check check (type in (${sql.raw(sourceTypes)}, ${sql.raw(operationalTypes)})) not valid;
      alter table publications drop constraint if exists publications_type_check,
        add constraint publications_type_check check (type in (${sql.raw(sourceTypes)}, ${sql.raw(operationalTypes)})) not valid;
      alter table webhook_groups add column if not exists auto_disabled boolean not null default false;
      update webhook_groups set auto_disabled = true
        where not enabled and not auto_disabled and disabled_reason like 'every delivery attempt failed for %';
    `.execute(trx);
  });
  // Each its own statement and transaction: SHARE UPDATE EXCLUSIVE, which reads and writes pass.
  await sql`alter table hooks validate constraint hooks_type_check`.execute(db);
  await sql`alter table publications validate constraint publications_type_check`.execute(db);
}

/**
 * Back to the source's types only, NOT VALID: operational hooks and publications written in the
 * meantime stay (they would fail a validation), but no new one can be written.
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      alter table webhook_groups drop column if exists auto_disabled;
      alter table publications drop constraint if exists publications_type_check,
        add constraint publications_type_check check (type in (${sql.raw(sourceTypes)})) not valid;
      alter table hooks drop constraint if exists hooks_type_check,
        add constraint hooks_type_check check (type in (${sql.raw(sourceTypes)})) not valid;
    `.execute(trx);
  });
}
