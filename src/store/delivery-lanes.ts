import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";

/** Where a delivery of an ordered group stands on its endpoint's lane. */
export interface LanePosition {
  /** Unfinished deliveries of the same group to the same endpoint created before it. */
  readonly ahead: number;
  /** The earliest next attempt among those: nothing behind them goes before it. */
  readonly aheadNextAttemptAt: Date | null;
}

/**
 * For each delivery in `ids` (of ordered groups), what is still ahead of it on its lane: the
 * same group, the same endpoint, created earlier, not finished. Test deliveries neither wait nor
 * hold others up. One statement for the batch; answered in the order of `ids`.
 */
export async function findLanePositions(db: Db, ids: readonly string[]): Promise<LanePosition[]> {
  const rows = await runPrepared(db, sql<{ id: string; ahead: string; ahead_next_attempt_at: Date | null }>`
    select d.id, count(e.id) as ahead, min(e.next_attempt_at) as ahead_next_attempt_at
    from deliveries d
    join hooks dh on dh.id = d.hook_id
    left join lateral (
      select e.id, e.next_attempt_at from deliveries e join hooks eh on eh.id = e.hook_id
      where e.webhook_group_id = d.webhook_group_id and e.finished_at is null and e.lane_seq < d.lane_seq
        and not e.is_test and eh.endpoint = dh.endpoint
    ) e on not d.is_test
    where d.id = any(${[...ids]}::uuid[])
    group by d.id`.compile(db));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    return { ahead: Number(row?.ahead ?? 0), aheadNextAttemptAt: row?.ahead_next_attempt_at ?? null };
  });
}
