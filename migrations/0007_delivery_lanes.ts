import { type Kysely, sql } from "kysely";

// Ordered groups. Publication order: a number every delivery takes as it is created, and an index
// of the unfinished ones by group, so that "is anything ahead of this delivery on its endpoint?"
// reads a bounded handful of index entries however long the log grows. One at a time: a lane
// (group, endpoint) is claimed by the delivery being sent, until its round is recorded or the
// claim expires (a worker that died mid-send).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table deliveries add column lane_seq bigint generated always as identity;
    create index deliveries_unfinished_lane on deliveries (webhook_group_id, lane_seq) where finished_at is null;

    create table delivery_lanes (
      webhook_group_id uuid references webhook_groups on delete cascade,
      endpoint text,
      delivery_id uuid,
      claimed_until timestamptz not null,
      primary key (webhook_group_id, endpoint)
    );
    create index delivery_lanes_delivery on delivery_lanes (delivery_id) where delivery_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table delivery_lanes;
    drop index deliveries_unfinished_lane;
    alter table deliveries drop column lane_seq;
  `.execute(db);
}
