import { type Kysely, sql } from "kysely";

// Tracing (docs/tracing.md): the W3C traceparent of the span that published a delivery, written
// with the delivery, so the worker that sends it later, in another process, continues that trace.
// Null when tracing was off, and for deliveries from before.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table deliveries add column traceparent text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table deliveries drop column traceparent`.execute(db);
}
