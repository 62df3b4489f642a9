import { type Kysely, sql } from "kysely";

// Issue 12, parts 1 and 2: live and sandbox, and keys limited to some groups.
//
// `mode` (LIVE or SANDBOX) on API keys, webhook groups, publications, their idempotency keys and
// deliveries. What exists is LIVE: the columns are added with that default, which fills every row,
// and the default is then dropped, so an insert that forgets to say its mode fails rather than
// quietly becoming LIVE (a sandbox group taken for a live one would get live deliveries).
//
// A key limited to some groups has `limited_to_groups` set and names them in api_key_groups. The
// flag, not the rows, makes it limited: once its last group is deleted it reaches no group at all,
// never every group.
const modeCheck = sql`check (mode in ('LIVE', 'SANDBOX'))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ["api_keys", "webhook_groups", "publications", "publication_keys", "deliveries"]) {
    await sql`alter table ${sql.table(table)} add column mode text not null default 'LIVE' ${modeCheck}`.execute(db);
    await sql`alter table ${sql.table(table)} alter column mode drop default`.execute(db);
  }
  await sql`
    -- An idempotency key used in sandbox must never swallow a live publication, nor the reverse.
    alter table publication_keys drop constraint publication_keys_pkey;
    alter table publication_keys add primary key (organization_id, mode, idempotency_key);

    alter table api_keys add column limited_to_groups boolean not null default false;
    alter table api_keys add constraint api_keys_organization_id_id_key unique (organization_id, id);

    create table api_key_groups (
      organization_id uuid not null,
      api_key_id uuid not null,
      webhook_group_id uuid not null,
      primary key (api_key_id, webhook_group_id),
      foreign key (organization_id, api_key_id) references api_keys (organization_id, id),
      foreign key (organization_id, webhook_group_id) references webhook_groups (organization_id, id)
    );
    create index api_key_groups_group on api_key_groups (webhook_group_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table api_key_groups;
    alter table api_keys drop constraint api_keys_organization_id_id_key;
    alter table api_keys drop column limited_to_groups;
    delete from publication_keys where mode = 'SANDBOX';
    alter table publication_keys drop constraint publication_keys_pkey;
    alter table publication_keys add primary key (organization_id, idempotency_key);
  `.execute(db);
  for (const table of ["api_keys", "webhook_groups", "publications", "publication_keys", "deliveries"]) {
    await sql`alter table ${sql.table(table)} drop column mode`.execute(db);
  }
}
