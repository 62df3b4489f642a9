import { sql } from "kysely";
import type { Db } from "./database.js";

export interface LockedJob {
  id: string;
  /** The graphile-worker id (a pool's or a worker's) the lock was taken under. */
  lockedBy: string;
  lockedAt: Date;
}

/** The jobs locked under these graphile-worker ids for longer than `olderThanMs`. */
export async function findJobsLockedLong(db: Db, workerIds: readonly string[], olderThanMs: number): Promise<LockedJob[]> {
  if (workerIds.length === 0) return [];
  const { rows } = await sql<LockedJob>`
    select id::text, locked_by as "lockedBy", locked_at as "lockedAt" from graphile_worker._private_jobs
    where locked_by = any(${workerIds}::text[])
      and locked_at < now() - ${olderThanMs} * interval '1 millisecond'`.execute(db);
  return rows;
}

/**
 * Hands back to the queue jobs locked under these ids that their worker never received, as
 * graphile-worker hands back what its local queue did not run: unlocked, their queue with them,
 * and the attempt the lock counted given back. Only those still locked longer than `olderThanMs`:
 * a job locked again meanwhile is left alone. Answers how many were released.
 */
export async function releaseLostJobs(
  db: Db,
  jobIds: readonly string[],
  workerIds: readonly string[],
  olderThanMs: number,
): Promise<number> {
  if (jobIds.length === 0) return 0;
  const { rows } = await sql<{ released: number }>`
    with released as (
      update graphile_worker._private_jobs
      set attempts = greatest(0, attempts - 1), locked_by = null, locked_at = null
      where id = any(${jobIds}::bigint[]) and locked_by = any(${workerIds}::text[])
        and locked_at < now() - ${olderThanMs} * interval '1 millisecond'
      returning job_queue_id
    ), queues as (
      update graphile_worker._private_job_queues as queue
      set locked_by = null, locked_at = null
      from released
      where queue.id = released.job_queue_id and queue.locked_by = any(${workerIds}::text[])
    )
    select count(*)::int as released from released`.execute(db);
  return rows[0]?.released ?? 0;
}
