import { type Kysely, sql } from "kysely";

// When a delivery's run of the retry schedule began: its first attempt, or the first attempt
// after a redeliver or recover (which set it back to null). A partner throttling with 429 or
// Retry-After does not use up rounds, so the schedule's span since this moment is what ends a
// delivery that is throttled for ever.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table deliveries add column schedule_started_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table deliveries drop column schedule_started_at`.execute(db);
}
