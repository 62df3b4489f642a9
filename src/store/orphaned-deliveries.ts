import { sql } from "kysely";
import type { Db } from "./database.js";
import { queueDeliverJobs } from "./jobs.js";

/**
 * Queues a job again for each unfinished delivery that has none left that can run: its job failed
 * graphile-worker's `jobMaxAttempts` times (every hand-over after a crash uses one; so does a
 * database that kept failing a batch), or was removed by hand. Without this such a delivery would
 * stay PENDING or RETRYING for ever, and an ordered group's lane behind it with it. The round is
 * the one the dead job was running (or, with no job left at all, the one after its attempts), so
 * the retry schedule continues where it was. Only deliveries older than `graceMs`: a delivery
 * and its job always commit together, the grace is a margin, not a need. At most `limit` a call.
 * Answers how many were queued.
 */
export async function requeueOrphanedDeliveries(db: Db, options: { graceMs: number; limit: number }): Promise<number> {
  const { rows } = await sql<{ queued: number }>`
    with live as (
      -- Jobs that can still run, by the delivery they name (deliver_v1 jobs included; jobs queued
      -- before they were keyed by delivery too, hence the payload rather than the key).
      select distinct (payload->>'deliveryId')::uuid as delivery_id
      from graphile_worker._private_jobs where attempts < max_attempts and payload->>'deliveryId' is not null
    ), orphaned as (
      select d.id, d.attempt_count,
        coalesce((
          select coalesce((j.payload->>'round')::int, (j.payload->>'run')::int)
          from graphile_worker._private_jobs j
          where j.payload->>'deliveryId' = d.id::text order by j.id desc limit 1
        ), d.attempt_count + 1) as round
      from deliveries d
      where d.finished_at is null and d.created_at < now() - ${options.graceMs} * interval '1 millisecond'
        and d.id not in (select delivery_id from live)
      limit ${options.limit}
    )
    select ${queueDeliverJobs(sql`orphaned`, { deliveryId: sql`id`, round: sql`round`, attemptsRecorded: sql`attempt_count` })} as queued`.execute(db);
  return rows[0]?.queued ?? 0;
}
