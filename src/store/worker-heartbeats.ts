import { sql } from "kysely";
import type { Db } from "./database.js";

/** A worker process says it is alive, with the graphile-worker ids whose jobs it holds. */
export async function beatHeartbeat(db: Db, id: string, graphileWorkerIds: string[]): Promise<void> {
  await db
    .insertInto("worker_heartbeats")
    .values({ id, graphile_worker_ids: graphileWorkerIds })
    .onConflict((conflict) =>
      // The database's clock, the one the sweep compares with: a host's drifting clock must not
      // make its live worker look dead.
      conflict.column("id").doUpdateSet({ graphile_worker_ids: graphileWorkerIds, last_seen_at: sql<Date>`now()` }),
    )
    .execute();
}

/**
 * Forgets the workers silent for `staleAfterMs` and unlocks their jobs, so other workers take
 * them over at once instead of after graphile-worker's four hours. Answers how many were released.
 */
export async function releaseSilentWorkers(db: Db, staleAfterMs: number): Promise<number> {
  const { rows } = await sql<{ workers: number }>`
    with dead as (
      delete from worker_heartbeats
      where last_seen_at < now() - ${staleAfterMs} * interval '1 millisecond'
      returning graphile_worker_ids
    ), unlocked as (
      select graphile_worker.force_unlock_workers(coalesce(
        (select array_agg(worker_id) from dead, unnest(dead.graphile_worker_ids) as worker_id), '{}'))
    )
    select (select count(*) from dead)::int as workers, (select count(*) from unlocked)`.execute(db);
  return rows[0]?.workers ?? 0;
}

/** Hands back to the queue the jobs these graphile-worker ids hold locked (their runner has ended). */
export async function releaseWorkerJobs(db: Db, graphileWorkerIds: string[]): Promise<void> {
  if (graphileWorkerIds.length === 0) return;
  await sql`select graphile_worker.force_unlock_workers(${graphileWorkerIds}::text[])`.execute(db);
}

/**
 * A worker stopping cleanly: its row goes, and any job its runner could not hand back (the
 * database was restarted as it stopped) is released with it, in one statement — never one
 * without the other, or those jobs would wait for graphile-worker's four hours.
 */
export async function deleteHeartbeat(db: Db, id: string, graphileWorkerIds: string[]): Promise<void> {
  await sql`
    with gone as (delete from worker_heartbeats where id = ${id})
    select graphile_worker.force_unlock_workers(${graphileWorkerIds}::text[])`.execute(db);
}

/**
 * A worker stopping at once (a second Ctrl-C), its deliveries in hand abandoned: its row reads as
 * silent since long ago, so the next sweep of any worker (this one's next start included) releases
 * its jobs at once rather than a stale window later. The ids are written with it: a runner started
 * since the last beat holds jobs under ids the row does not name yet.
 */
export async function markHeartbeatSilent(db: Db, id: string, graphileWorkerIds: string[]): Promise<void> {
  await sql`
    update worker_heartbeats set last_seen_at = to_timestamp(0), graphile_worker_ids = ${graphileWorkerIds}::text[]
    where id = ${id}`.execute(db);
}
