import { sql } from "kysely";
import type { Db } from "./database.js";

export interface PendingDeliveryRow {
  status: string;
  count: number;
  oldestDueAgeSeconds: number;
}

/**
 * Unfinished deliveries by status, with how long the oldest of them that is due has waited:
 * what /metrics reports as hookgate_deliveries_pending and
 * hookgate_oldest_pending_delivery_age_seconds. A delivery is due from its next_attempt_at (set
 * when it is created, retried, deferred behind its lane, a circuit or a rate limit, or recovered),
 * so rounds that wait on purpose, and the age of a delivery recovered long after it was
 * published, do not count: the age grows only when due work is not being sent.
 *
 * One statement, read through the partial index of unfinished deliveries
 * (deliveries_unfinished_lane, `where finished_at is null`): its cost follows the backlog, never
 * the length of the delivery log (about 8 ms for 20,000 unfinished beside 1M finished). It runs
 * under a statement timeout of its own, so a database that is slow to answer ends it rather than
 * leaving it running after the scrape gave up.
 */
export async function readPendingDeliveries(db: Db, timeoutMs = 2_000): Promise<PendingDeliveryRow[]> {
  const rows = await db.transaction().execute(async (trx) => {
    await sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`.execute(trx);
    const due = sql`coalesce(next_attempt_at, created_at)`;
    const result = await sql<{ status: string; count: string; oldest_due_age_seconds: string }>`
      select status, count(*) as count,
             coalesce(greatest(0, extract(epoch from now() - min(${due}) filter (where ${due} <= now()))), 0)::float8
               as oldest_due_age_seconds
      from deliveries where finished_at is null
      group by status`.execute(trx);
    return result.rows;
  });
  return rows.map((row) => ({ status: row.status, count: Number(row.count), oldestDueAgeSeconds: Number(row.oldest_due_age_seconds) }));
}
