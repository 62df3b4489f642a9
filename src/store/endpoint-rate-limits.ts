import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";

/** A request about to be sent to `endpoint` of group `groupId`, whose limit is `perSecond`. */
export interface SendTimeRequest {
  groupId: string;
  endpoint: string;
  /** Requests per second; a whole number from 1. */
  perSecond: number;
}

/**
 * Reserves a send time for each request, answered in the order of `requests`, on the database's
 * clock (GCRA by spacing): for one group and endpoint, reserved times are at least
 * spacingMicros(perSecond) apart and never before now, however many callers reserve at once.
 * Requests sent at their times never exceed perSecond in any one-second window, with about 100 ms
 * of lateness to spare. Times are rounded up to the millisecond (a Date holds no more).
 *
 * One statement for the batch. Call it outside a long transaction: the rows it advances stay
 * locked, holding up other workers' reservations, until the caller's transaction ends.
 */
export async function reserveSendTimes(db: Db, requests: readonly SendTimeRequest[]): Promise<Date[]> {
  if (requests.length === 0) return [];
  for (const { perSecond } of requests) {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`perSecond must be a whole number from 1, not ${perSecond}`);
  }
  // Why one upsert per (group, endpoint), advancing the row by all of its slots at once: INSERT …
  // ON CONFLICT DO UPDATE locks the row and reads its latest committed version even under READ
  // COMMITTED, so a concurrent caller's reservation is always seen and never overlapped. (A
  // statement that read the row and then wrote it would work from its snapshot.) The span a row
  // advances by is looked up from `keyed` because `excluded` carries only the table's columns.
  // Rows are locked in key order, so two batches naming the same endpoints cannot deadlock.
  const rows = await runPrepared(
    db,
    sql<{ send_at: Date }>`
      with requested as (
        -- spacingMicros(per_second), as an interval.
        select r.i, r.group_id, r.endpoint, ceil(1100000.0 / r.per_second)::bigint * interval '1 microsecond' as spacing
        from unnest(
          ${requests.map((request) => request.groupId)}::uuid[],
          ${requests.map((request) => request.endpoint)}::text[],
          ${requests.map((request) => request.perSecond)}::int[]
        ) with ordinality as r(group_id, endpoint, per_second, i)
      ), keyed as (
        -- One group's limit is the same for all its requests; were it not, the strictest wins.
        select group_id, endpoint, max(spacing) as spacing, count(*) as slots
        from requested
        group by group_id, endpoint
      ), reserved as (
        insert into endpoint_rate_limits as l (webhook_group_id, endpoint, next_free_at)
        select group_id, endpoint, clock_timestamp() + slots * spacing
        from keyed
        order by group_id, endpoint
        on conflict (webhook_group_id, endpoint) do update
          -- clock_timestamp(): read once the row is locked, so waiting for a lock never hands
          -- out times that are already past (they would all be sent at once).
          set next_free_at = greatest(l.next_free_at, clock_timestamp()) + (
            select k.slots * k.spacing from keyed k
            where k.group_id = excluded.webhook_group_id and k.endpoint = excluded.endpoint
          )
        returning l.webhook_group_id, l.endpoint, l.next_free_at
      )
      select date_trunc('milliseconds',
          s.next_free_at - k.slots * k.spacing
          + (row_number() over (partition by r.group_id, r.endpoint order by r.i) - 1) * k.spacing
          + interval '999 microseconds') as send_at
      from requested r
      join keyed k on k.group_id = r.group_id and k.endpoint = r.endpoint
      join reserved s on s.webhook_group_id = r.group_id and s.endpoint = r.endpoint
      order by r.i`.compile(db),
  );
  return rows.map((row) => row.send_at);
}

/**
 * Microseconds between two reserved times at `perSecond`: 10% over 1 s / perSecond, so that
 * perSecond + 1 requests span 1.1 s and the lateness a request meets on its way (a new connection,
 * a busy event loop on either side: tens of milliseconds under load, measured) cannot squeeze them into
 * one second. Rounded up; the database holds microseconds.
 */
export function spacingMicros(perSecond: number): number {
  return Math.ceil(1_100_000 / perSecond);
}
