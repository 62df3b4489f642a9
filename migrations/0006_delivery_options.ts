import { type Kysely, sql } from "kysely";

// Delivery options a group may ask for: ordered delivery and a rate limit per endpoint. The
// limiter's state is shared through the database so that every worker process keeps one limit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table webhook_groups
      -- Deliveries reach each endpoint one at a time, in publication order.
      add column ordered boolean not null default false,
      -- Requests per second to any one endpoint of the group; null: no limit.
      add column max_requests_per_second integer
        constraint webhook_groups_max_requests_per_second_check check (max_requests_per_second between 1 and 10000);

    -- The earliest time the next request to this endpoint of this group may be sent (GCRA):
    -- src/store/endpoint-rate-limits.ts reserves send times by advancing it.
    create table endpoint_rate_limits (
      webhook_group_id uuid references webhook_groups on delete cascade,
      endpoint text,
      next_free_at timestamptz not null,
      primary key (webhook_group_id, endpoint)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table endpoint_rate_limits;
    alter table webhook_groups drop column ordered, drop column max_requests_per_second;
  `.execute(db);
}
