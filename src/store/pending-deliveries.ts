import { sql } from "kysely";
import type { Db } from "./database.js";

/**
 * Unfinished deliveries by status, with the age of the oldest: what /metrics reports as
 * hookgate_deliveries_pending and hookgate_oldest_pending_delivery_age_seconds. One statement
 * read through the partial index of unfinished deliveries (deliveries_unfinished_lane, `where
 * finished_at is null`): its cost follows the backlog, never the length of the delivery log.
 */
export async function readPendingDeliveries(db: Db): Promise<Array<{ status: string; count: number; oldestAgeSeconds: number }>> {
  const { rows } = await sql<{ status: string; count: string; oldest_age_seconds: string }>`
    select status, count(*) as count,
           greatest(0, extract(epoch from now() - min(created_at)))::float8 as oldest_age_seconds
    from deliveries where finished_at is null
    group by status`.execute(db);
  return rows.map((row) => ({ status: row.status, count: Number(row.count), oldestAgeSeconds: Number(row.oldest_age_seconds) }));
}
