import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";

/** A request about to be sent to `endpoint` of group `groupId`, whose limit is `perSecond`. */
export interface SendTimeRequest {
  readonly groupId: string;
  readonly endpoint: string;
  /** Requests per second; a whole number from 1. */
  readonly perSecond: number;
}

/** A send time reserved `waitMs` from now, or none free within the window: look again in `retryInMs`. */
export type SendTime =
  | { readonly reserved: true; readonly waitMs: number; /** The time itself, on the database's clock. */ readonly at: Date }
  | { readonly reserved: false; readonly retryInMs: number };

/**
 * Reserves the next send time for one request if it falls within `withinMs` from now (GCRA by
 * spacing, on the database's clock): for one group and endpoint, reserved times are at least
 * spacingMicros(perSecond) apart and never before now, however many workers reserve at once.
 * Answered as a wait from now, measured on the database's clock, so workers on hosts whose
 * clocks differ keep one spacing. A request that finds no time within the window reserves
 * nothing: times are never handed out to deliveries that would hold a worker slot for long.
 *
 * One upsert: INSERT … ON CONFLICT DO UPDATE locks the row and reads its latest committed
 * version even under READ COMMITTED, so a concurrent reservation is always seen and never
 * overlapped (a statement that read the row and then wrote it would work from its snapshot).
 */
export async function reserveSendTime(db: Db, request: SendTimeRequest, withinMs: number): Promise<SendTime> {
  if (!Number.isInteger(request.perSecond) || request.perSecond < 1) {
    throw new RangeError(`perSecond must be a whole number from 1, not ${request.perSecond}`);
  }
  const spacing = sql`(${spacingMicros(request.perSecond)} * interval '1 microsecond')`;
  const within = sql`(${withinMs} * interval '1 millisecond')`;
  const key = { group: request.groupId, endpoint: request.endpoint };
  const [reserved] = await runPrepared(db, sql<{ wait_ms: number; send_at: Date }>`
    insert into endpoint_rate_limits as l (webhook_group_id, endpoint, next_free_at)
    values (${key.group}, ${key.endpoint}, clock_timestamp() + ${spacing})
    on conflict (webhook_group_id, endpoint) do update
      -- clock_timestamp(): read once the row is locked, so waiting for the lock never hands out
      -- a time that is already past.
      set next_free_at = greatest(l.next_free_at, clock_timestamp()) + ${spacing}
      where l.next_free_at <= clock_timestamp() + ${within}
    returning greatest(0, extract(epoch from l.next_free_at - ${spacing} - clock_timestamp()) * 1000)::float8 as wait_ms,
      l.next_free_at - ${spacing} as send_at`.compile(db));
  if (reserved) return { reserved: true, waitMs: reserved.wait_ms, at: reserved.send_at };
  const [row] = await runPrepared(db, sql<{ free_in_ms: number }>`
    select greatest(0, extract(epoch from next_free_at - clock_timestamp()) * 1000)::float8 as free_in_ms
    from endpoint_rate_limits where webhook_group_id = ${key.group} and endpoint = ${key.endpoint}`.compile(db));
  // Come back when the window will reach the next free time.
  return { reserved: false, retryInMs: Math.max(0, (row?.free_in_ms ?? 0) - withinMs) };
}

/**
 * Microseconds between two reserved times at `perSecond`: 10% over 1 s / perSecond, so that
 * perSecond + 1 requests span 1.1 s and the lateness a request meets on its way (a new connection,
 * a busy event loop on either side: tens of milliseconds under load, measured) cannot squeeze them
 * into one second. Rounded up; the database holds microseconds.
 */
export function spacingMicros(perSecond: number): number {
  return Math.ceil(1_100_000 / perSecond);
}
