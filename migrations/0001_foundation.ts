import { type Kysely, sql } from "kysely";

// Organizations, API keys, the built-in source (event guides, events, orders) and webhook groups.
// Every tenant-owned table carries organization_id so each query can be scoped by it directly,
// and references between them include it: the database itself refuses a row that points into
// another organization.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organizations (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      created_at timestamptz not null default now()
    );

    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id),
      role text not null check (role in ('ADMIN', 'VIEWER')),
      key_hash bytea not null unique,
      key_prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_keys_organization on api_keys (organization_id, created_at desc);

    create table event_guides (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id),
      name text not null,
      created_at timestamptz not null default now(),
      unique (organization_id, id)
    );
    create index event_guides_organization on event_guides (organization_id, created_at desc, id desc);

    create table events (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id),
      event_guide_id uuid,
      title text not null,
      description text,
      start_date timestamptz not null,
      end_date timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      removed_at timestamptz,
      check (end_date >= start_date),
      unique (organization_id, id),
      foreign key (organization_id, event_guide_id) references event_guides (organization_id, id)
    );
    create index events_organization on events (organization_id, created_at desc, id desc);
    create index events_event_guide on events (event_guide_id, created_at desc, id desc);

    create table orders (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id),
      event_id uuid not null,
      hash text not null unique,
      total numeric(14, 2) not null check (total >= 0),
      currency char(3) not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      cancelled_at timestamptz,
      removed_at timestamptz,
      foreign key (organization_id, event_id) references events (organization_id, id)
    );
    create index orders_organization on orders (organization_id, created_at desc, id desc);
    create index orders_event on orders (event_id, created_at desc, id desc);

    -- Groups are immutable; deleting one sets deleted_at so its delivery history stays readable.
    create table webhook_groups (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id),
      name text not null,
      description text,
      event_id uuid,
      event_guide_id uuid,
      enabled boolean not null default true,
      signing_secret_encrypted text not null,
      auth_grant_type text check (auth_grant_type in ('CLIENT_CREDENTIALS')),
      auth_endpoint text,
      auth_client_id text,
      auth_client_secret_encrypted text,
      auth_scope text,
      auth_header_format text,
      auth_header_value_format text,
      created_at timestamptz not null default now(),
      deleted_at timestamptz,
      check (event_id is null or event_guide_id is null),
      -- Authentication is all there (scope optional) or not at all.
      check (num_nulls(auth_grant_type, auth_endpoint, auth_client_id, auth_client_secret_encrypted,
                       auth_header_format, auth_header_value_format) in (0, 6)),
      unique (organization_id, id),
      foreign key (organization_id, event_id) references events (organization_id, id),
      foreign key (organization_id, event_guide_id) references event_guides (organization_id, id)
    );
    create index webhook_groups_organization on webhook_groups (organization_id, created_at desc, id desc)
      where deleted_at is null;

    create table hooks (
      id uuid primary key default gen_random_uuid(),
      webhook_group_id uuid not null,
      organization_id uuid not null,
      position int not null,
      type text not null check (type in (
        'EVENT_CREATED', 'EVENT_REMOVED', 'EVENT_UPDATED',
        'ORDER_CREATED', 'ORDER_REMOVED', 'ORDER_UPDATED', 'ORDER_CANCELLED')),
      method text not null check (method in ('POST', 'PUT', 'PATCH')),
      endpoint text not null,
      origin_method text check (origin_method in ('POST', 'PUT', 'PATCH')),
      origin_endpoint text,
      origin_body text,
      unique (webhook_group_id, position),
      foreign key (organization_id, webhook_group_id) references webhook_groups (organization_id, id)
    );
    -- Publishing looks hooks up by organization and type.
    create index hooks_organization_type on hooks (organization_id, type);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table hooks;
    drop table webhook_groups;
    drop table orders;
    drop table events;
    drop table event_guides;
    drop table api_keys;
    drop table organizations;
  `.execute(db);
}
