import { type Kysely, sql } from "kysely";

// Integrator tools: per-group options (full data in the default payload, static headers, a
// Dozuki-style JWT secret), signing-secret rotation, enabled state with the reason it changed,
// per-hook conditions, test deliveries and snapshots of what changed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table webhook_groups
      add column include_data boolean not null default false,
      -- Static request headers: names listed for the API, name + value encrypted together.
      add column header_names text[] not null default '{}',
      add column headers_encrypted text,
      -- Dozuki's secret key: signs a JWT sent in x-webhook-secret.
      add column jwt_secret_encrypted text,
      -- After a rotation both secrets sign until the previous one expires.
      add column previous_signing_secret_encrypted text,
      add column previous_signing_secret_expires_at timestamptz,
      add column disabled_at timestamptz,
      add column disabled_reason text,
      -- Since when every attempt has failed (null after any success): drives auto-disable.
      add column failing_since timestamptz,
      add check ((previous_signing_secret_encrypted is null) = (previous_signing_secret_expires_at is null));

    alter table hooks
      add column condition jsonb,
      -- Where the origin runs, decided when the group was created; origin_endpoint keeps what was given.
      add column origin_target text check (origin_target in ('BUILT_IN', 'REMOTE'));
    update hooks set origin_target = case when origin_endpoint is null then 'BUILT_IN' else 'REMOTE' end
      where origin_body is not null;
    alter table hooks add check ((origin_body is null) = (origin_target is null));

    -- What a publication is about: the event or order as it was (built-in source), or the data an
    -- external platform sent. Conditions are evaluated against it; includeData sends it.
    alter table publications add column external boolean not null default false;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table publications drop column external;
    alter table hooks drop column condition, drop column origin_target;
    alter table webhook_groups
      drop column include_data, drop column header_names, drop column headers_encrypted,
      drop column jwt_secret_encrypted, drop column previous_signing_secret_encrypted,
      drop column previous_signing_secret_expires_at, drop column disabled_at, drop column disabled_reason,
      drop column failing_since;
  `.execute(db);
}
