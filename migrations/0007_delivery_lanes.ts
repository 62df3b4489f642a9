import { type Kysely, sql } from "kysely";

// Publication order for ordered groups: a number every delivery takes as it is created, and an
// index of the unfinished ones by group, so that "is anything ahead of this delivery on its
// endpoint?" reads a handful of index entries however long the log grows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table deliveries add column lane_seq bigint generated always as identity;
    create index deliveries_unfinished_lane on deliveries (webhook_group_id, lane_seq) where finished_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index deliveries_unfinished_lane;
    alter table deliveries drop column lane_seq;
  `.execute(db);
}
