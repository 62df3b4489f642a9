import { type Kysely, sql } from "kysely";

// Request limits shared by every API process on the database (src/store/rate-limit-table.ts).
// The columns are the ones rate-limiter-flexible's PostgreSQL limiter reads and writes: a key
// ("request:key:<id>", "auth-failure:<address>"), the points used in its window and the window's
// end in epoch milliseconds. Unlogged: counters of the last seconds are not worth a WAL write per
// request, and losing them in a crash only restarts the windows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create unlogged table rate_limits (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rate_limits`.execute(db);
}
