import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "../store/database.js";
import { findJobsLockedLong, releaseLostJobs } from "../store/lost-job-locks.js";
import { requeueOrphanedDeliveries } from "../store/orphaned-deliveries.js";
import { beatHeartbeat, deleteHeartbeat, markHeartbeatSilent, releaseSilentWorkers } from "../store/worker-heartbeats.js";

export interface HeartbeatOptions {
  /** The graphile-worker ids whose jobs this process may hold locked. */
  graphileWorkerIds: () => string[];
  /** Whether this process holds the job under that lock (JobsInHand). */
  isInHand: (jobId: string, lockedBy: string, lockedAt: Date) => boolean;
  staleAfterMs: number;
  logger: Logger;
}

/**
 * Keeps this worker process's row in worker_heartbeats fresh, and hands the jobs of workers that
 * stopped beating (SIGKILL, a lost host) back to the queue. graphile-worker would otherwise keep
 * them locked for four hours; with this a delivery resumes within `staleAfterMs`. Once a stale
 * window it also gives a job back to any unfinished delivery left without one, and hands back the
 * jobs locked under this process's own ids that it never received (see JobsInHand).
 */
export async function startHeartbeat(
  db: Db,
  options: HeartbeatOptions,
): Promise<{ stop(): Promise<void>; abandon(): Promise<void> }> {
  const id = randomUUID();
  let beats = 0;
  const beat = async () => {
    await beatHeartbeat(db, id, options.graphileWorkerIds());
    const workers = await releaseSilentWorkers(db, options.staleAfterMs);
    if (workers > 0) options.logger.warn({ workers }, "released the jobs of workers that stopped beating");
    // After the first beat (a worker starts without waiting for it), once a stale window.
    if (++beats % 3 === 0) {
      const orphans = await requeueOrphanedDeliveries(db, { graceMs: options.staleAfterMs, limit: 1_000 }).catch((error: unknown) => {
        options.logger.error({ err: error }, "queueing again deliveries left without a job failed");
        return 0;
      });
      if (orphans > 0) options.logger.warn({ deliveries: orphans }, "queued again deliveries whose jobs had given up");
      const lost = await releaseJobsNeverReceived(db, options).catch((error: unknown) => {
        options.logger.error({ err: error }, "handing back jobs this worker locked but never received failed");
        return 0;
      });
      if (lost > 0) {
        options.logger.warn({ jobs: lost }, "handed back jobs this worker locked but never received (their fetch's answer was lost)");
      }
    }
  };
  await beat();
  // Beat three times per stale window, so one late beat never looks like a death.
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = beat().catch((error: unknown) => options.logger.error({ err: error }, "worker heartbeat failed"));
  }, Math.max(100, Math.floor(options.staleAfterMs / 3)));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      // A beat under way would write the row again after it is deleted.
      await beating;
      await deleteHeartbeat(db, id, options.graphileWorkerIds());
    },
    async abandon() {
      clearInterval(timer);
      // A beat under way would write the row fresh again after it is marked.
      await beating;
      await markHeartbeatSilent(db, id, options.graphileWorkerIds());
    },
  };
}

/**
 * Locked under this process's ids for a whole stale window, yet not in its hands: their fetch was
 * committed but its answer lost. A fetch answered within the stale window is never handed back;
 * only one slower than that could see its jobs handed back and run a second time.
 */
async function releaseJobsNeverReceived(
  db: Db,
  options: Omit<HeartbeatOptions, "logger">,
): Promise<number> {
  const workerIds = options.graphileWorkerIds();
  const locked = await findJobsLockedLong(db, workerIds, options.staleAfterMs);
  const lost = locked.filter((job) => !options.isInHand(job.id, job.lockedBy, job.lockedAt)).map((job) => job.id);
  return releaseLostJobs(db, lost, workerIds, options.staleAfterMs);
}
