import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "../store/database.js";
import { beatHeartbeat, deleteHeartbeat, releaseSilentWorkers } from "../store/worker-heartbeats.js";

/**
 * Keeps this worker process's row in worker_heartbeats fresh, and hands the jobs of workers that
 * stopped beating (SIGKILL, a lost host) back to the queue. graphile-worker would otherwise keep
 * them locked for four hours; with this a delivery resumes within `staleAfterMs`.
 */
export async function startHeartbeat(
  db: Db,
  options: { graphileWorkerIds: () => string[]; staleAfterMs: number; logger: Logger },
): Promise<{ stop(): Promise<void> }> {
  const id = randomUUID();
  const beat = async () => {
    await beatHeartbeat(db, id, options.graphileWorkerIds());
    const workers = await releaseSilentWorkers(db, options.staleAfterMs);
    if (workers > 0) options.logger.warn({ workers }, "released the jobs of workers that stopped beating");
  };
  await beat();
  // Beat three times per stale window, so one late beat never looks like a death.
  const timer = setInterval(() => {
    beat().catch((error: unknown) => options.logger.error({ err: error }, "worker heartbeat failed"));
  }, Math.max(100, Math.floor(options.staleAfterMs / 3)));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await deleteHeartbeat(db, id);
    },
  };
}
