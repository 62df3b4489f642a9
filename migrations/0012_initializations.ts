import { type Kysely, sql } from "kysely";

// doo's initialization: re-pushing the events and orders that already exist to one webhook group.
// An initialization row is the backfill's plan and its cursor (keyset over the source table, so no
// batch reads more than it sends); its deliveries carry its id, so its progress is counted from
// them. One initialization per group may be queuing at a time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table initializations (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id),
      webhook_group_id uuid not null,
      types text[] not null check (cardinality(types) between 1 and 2),
      event_id uuid,
      since timestamptz,
      -- The window's end: the one asked for, or the moment it was asked (what exists by then).
      until timestamptz not null,
      -- Deliveries per second the backfill is paced at: the group's limit, or the default.
      per_second int not null check (per_second between 1 and 10000),
      -- Counted when asked; set to the exact number once the last batch is queued.
      queued int not null,
      -- Which of types is being queued, and the last source row queued (created_at in µs, id).
      phase int not null default 0,
      cursor_micros bigint,
      cursor_id uuid,
      batches int not null default 0,
      -- When the next delivery of the backfill may be sent.
      next_send_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      -- Every delivery queued (or the group gone); and, once a read finds them all finished, when.
      all_queued_at timestamptz,
      stopped_reason text,
      finished_at timestamptz,
      foreign key (organization_id, webhook_group_id) references webhook_groups (organization_id, id)
    );
    create index initializations_group on initializations (webhook_group_id, created_at desc);
    create unique index initializations_one_queuing on initializations (webhook_group_id) where all_queued_at is null;

    alter table deliveries add column initialization_id uuid references initializations (id);
    -- Progress is counted from here (index-only); only the backfill's deliveries are in it.
    create index deliveries_initialization on deliveries (initialization_id, status) where initialization_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table deliveries drop column initialization_id;
    drop table initializations;
  `.execute(db);
}
