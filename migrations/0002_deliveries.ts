import { type Kysely, sql } from "kysely";

// What happened (publications), what it causes (one delivery per matching hook) and every try
// (delivery_attempts). Deliveries keep the payload they were built with, so retries resend the
// same bytes; they outlive their group (groups are only soft-deleted).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table publications (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id),
      type text not null check (type in (
        'EVENT_CREATED', 'EVENT_REMOVED', 'EVENT_UPDATED',
        'ORDER_CREATED', 'ORDER_REMOVED', 'ORDER_UPDATED', 'ORDER_CANCELLED')),
      event_id uuid,
      order_id uuid,
      event_guide_id uuid,
      occurred_at timestamptz not null,
      data jsonb,
      created_at timestamptz not null default now()
    );

    -- publishEvent's idempotency keys; a key may be reused once its 24 hours are over.
    create table publication_keys (
      organization_id uuid not null references organizations (id),
      idempotency_key text not null,
      -- Deferred: the key is claimed first, then the publication it names is written.
      publication_id uuid not null references publications (id) deferrable initially deferred,
      created_at timestamptz not null default now(),
      primary key (organization_id, idempotency_key)
    );

    create table deliveries (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null,
      publication_id uuid references publications (id),
      webhook_group_id uuid not null,
      hook_id uuid not null references hooks (id),
      type text not null,
      event_id uuid,
      order_id uuid,
      event_guide_id uuid,
      occurred_at timestamptz not null,
      is_test boolean not null default false,
      status text not null default 'PENDING'
        check (status in ('PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'GONE')),
      attempt_count int not null default 0,
      next_attempt_at timestamptz default now(),
      -- The exact body sent, built on the first attempt and reused by every retry.
      payload text,
      payload_errors jsonb,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      foreign key (organization_id, webhook_group_id) references webhook_groups (organization_id, id)
    );
    create index deliveries_organization on deliveries (organization_id, created_at desc, id desc);
    create index deliveries_group on deliveries (webhook_group_id, created_at desc, id desc);

    create table delivery_attempts (
      id uuid primary key default gen_random_uuid(),
      delivery_id uuid not null references deliveries (id),
      number int not null,
      started_at timestamptz not null,
      duration_ms int not null,
      request_method text not null,
      request_url text not null,
      request_headers jsonb not null,
      response_status int,
      response_headers jsonb,
      response_body text,
      response_body_truncated boolean not null default false,
      error text,
      -- Worth knowing but not a failure, e.g. GraphQL errors inside the origin's answer.
      note text,
      unique (delivery_id, number)
    );

    -- Live worker processes. A worker whose heartbeat stops (SIGKILL, lost host) has its jobs
    -- unlocked by the others instead of waiting out graphile-worker's four-hour lock expiry.
    create table worker_heartbeats (
      id uuid primary key,
      graphile_worker_ids text[] not null default '{}',
      started_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table worker_heartbeats;
    drop table delivery_attempts;
    drop table deliveries;
    drop table publication_keys;
    drop table publications;
  `.execute(db);
}
