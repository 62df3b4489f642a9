import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";

/** Where a delivery of an ordered group stands on its endpoint's lane. */
export interface LanePosition {
  /** Unfinished deliveries of the same group to the same endpoint created before it (counted up to 100). */
  readonly ahead: number;
  /** The next attempt of the first of those: nothing behind it goes before. */
  readonly headNextAttemptAt: Date | null;
}

/** Deliveries that are in no lane. */
const outOfLanes = sql`(d.is_test or d.initialization_id is not null)`;

/** Enough to know how long to wait; counting further would read the whole lane. */
const countedAhead = 100;

/**
 * For each delivery in `ids` (of ordered groups), what is still ahead of it on its lane: the
 * same group, the same endpoint, created earlier, not finished. Test deliveries and an
 * initialization's (see isInLane in src/delivery/steps/pace.ts) neither wait nor hold others up. One statement for the batch, reading at most `countedAhead` index entries per
 * delivery; answered in the order of `ids`.
 */
export async function findLanePositions(db: Db, ids: readonly string[]): Promise<LanePosition[]> {
  const ahead = (select: ReturnType<typeof sql>, tail: ReturnType<typeof sql>) => sql`(
    select ${select} from deliveries e join hooks eh on eh.id = e.hook_id
    where e.webhook_group_id = d.webhook_group_id and e.finished_at is null and e.lane_seq < d.lane_seq
      and not e.is_test and e.initialization_id is null and eh.endpoint = dh.endpoint
    order by e.lane_seq ${tail})`;
  const rows = await runPrepared(db, sql<{ id: string; ahead: string; head_next_attempt_at: Date | null }>`
    select d.id,
      case when ${outOfLanes} then 0 else (select count(*) from ${ahead(sql`1`, sql`limit ${sql.lit(countedAhead)}`)} as counted) end as ahead,
      case when ${outOfLanes} then null else ${ahead(sql`e.next_attempt_at`, sql`limit 1`)} end as head_next_attempt_at
    from deliveries d join hooks dh on dh.id = d.hook_id
    where d.id = any(${[...ids]}::uuid[])`.compile(db));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    return { ahead: Number(row?.ahead ?? 0), headNextAttemptAt: row?.head_next_attempt_at ?? null };
  });
}

/**
 * Claims the lane (group, endpoint) for one delivery about to be sent, until `holdMs` from now:
 * answers false while another delivery holds an unexpired claim. Makes "one at a time" hold even
 * when two deliveries both find nothing ahead (an old one redelivered, a publication that
 * committed late). The claim is released when the round is recorded (recordRounds).
 */
export async function claimLane(db: Db, lane: { groupId: string; endpoint: string; deliveryId: string; holdMs: number }): Promise<boolean> {
  const rows = await runPrepared(db, sql<{ delivery_id: string }>`
    insert into delivery_lanes as l (webhook_group_id, endpoint, delivery_id, claimed_until)
    values (${lane.groupId}, ${lane.endpoint}, ${lane.deliveryId}, now() + ${lane.holdMs} * interval '1 millisecond')
    on conflict (webhook_group_id, endpoint) do update
      set delivery_id = excluded.delivery_id, claimed_until = excluded.claimed_until
      where l.delivery_id is null or l.delivery_id = excluded.delivery_id or l.claimed_until < now()
    returning delivery_id`.compile(db));
  return rows.length === 1;
}
