import { type Kysely, sql } from "kysely";

// A value encrypted with the secret key when the database is first used, so a process started
// with another key (a second API host without HOOKGATE_SECRET_KEY, a lost data dir) stops at
// once instead of failing on every stored secret later.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table secret_key_check (
      singleton boolean primary key default true check (singleton),
      encrypted text not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table secret_key_check`.execute(db);
}
