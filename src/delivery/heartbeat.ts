import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { Db } from "../store/database.js";

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
    await db
      .insertInto("worker_heartbeats")
      .values({ id, graphile_worker_ids: options.graphileWorkerIds() })
      .onConflict((conflict) =>
        // The database's clock, the one the sweep compares with: a host's drifting clock must not
        // make its live worker look dead.
        conflict.column("id").doUpdateSet({ graphile_worker_ids: options.graphileWorkerIds(), last_seen_at: sql<Date>`now()` }),
      )
      .execute();
    const { rows } = await sql<{ workers: number }>`
      with dead as (
        delete from worker_heartbeats
        where last_seen_at < now() - ${options.staleAfterMs} * interval '1 millisecond'
        returning graphile_worker_ids
      ), unlocked as (
        select graphile_worker.force_unlock_workers(coalesce(
          (select array_agg(worker_id) from dead, unnest(dead.graphile_worker_ids) as worker_id), '{}'))
      )
      select (select count(*) from dead)::int as workers, (select count(*) from unlocked)`.execute(db);
    const workers = rows[0]?.workers ?? 0;
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
      await db.deleteFrom("worker_heartbeats").where("id", "=", id).execute();
    },
  };
}
