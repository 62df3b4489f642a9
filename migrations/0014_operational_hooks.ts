import { type Kysely, sql } from "kysely";

// Operational webhooks: an organization subscribes to hookgate's own events about its groups
// (GROUP_DISABLED, DELIVERY_FAILED, GROUP_RECOVERED) with hooks of those types, published like any
// other change. The type checks of hooks and publications take the three new types (deliveries
// have none). `auto_disabled` tells a group switched off for failing too long from one switched off
// by hand: only the first is announced as recovered when it is switched back on. Groups disabled
// for failing before this migration are recognized by the reason hookgate wrote for them.
const sourceTypes = `'EVENT_CREATED', 'EVENT_REMOVED', 'EVENT_UPDATED',
  'ORDER_CREATED', 'ORDER_REMOVED', 'ORDER_UPDATED', 'ORDER_CANCELLED'`;
const operationalTypes = `'GROUP_DISABLED', 'DELIVERY_FAILED', 'GROUP_RECOVERED'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table hooks drop constraint hooks_type_check,
      add constraint hooks_type_check check (type in (${sql.raw(sourceTypes)}, ${sql.raw(operationalTypes)}));
    alter table publications drop constraint publications_type_check,
      add constraint publications_type_check check (type in (${sql.raw(sourceTypes)}, ${sql.raw(operationalTypes)}));
    alter table webhook_groups add column auto_disabled boolean not null default false;
    update webhook_groups set auto_disabled = true
      where not enabled and disabled_reason like 'every delivery attempt failed for %';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table webhook_groups drop column auto_disabled;
    alter table publications drop constraint publications_type_check,
      add constraint publications_type_check check (type in (${sql.raw(sourceTypes)}));
    alter table hooks drop constraint hooks_type_check,
      add constraint hooks_type_check check (type in (${sql.raw(sourceTypes)}));
  `.execute(db);
}
