import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";
import { queueDeliverJobs } from "./jobs.js";
import { storableJson, storableText } from "./storable-text.js";
import type { DeliveryStatus } from "./tables.js";

export interface NewAttempt {
  number: number;
  startedAt: Date;
  durationMs: number;
  requestMethod: string;
  requestUrl: string;
  /** Already redacted: no token or secret value. */
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseBodyTruncated: boolean;
  error: string | null;
  note: string | null;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  /** Set when another round is scheduled: when, and which round it is. */
  retry: { at: Date; round: number } | null;
}

/** The delivery's group as the recording statement saw it, on the database's clock. */
export interface GroupSeen {
  enabled: boolean;
  /** How long every attempt has been failing; null when the group is not failing. */
  failingForMs: number | null;
}

/** What one round of one delivery did, to be recorded. */
export interface RoundRecord {
  readonly deliveryId: string;
  /** The attempt count the round started from: the guard against a round that lost a race. */
  readonly attemptsRecorded: number;
  readonly attempts: readonly NewAttempt[];
  readonly outcome: DeliveryOutcome;
  /** The payload this round built, stored unless one is stored already; null when none was built. */
  readonly payload: { readonly body: string; readonly errors: unknown } | null;
  /** FAILED because its retry schedule ran out (not: never sent): announced as DELIVERY_FAILED. */
  readonly scheduleRanOut?: boolean;
}

/**
 * Records many rounds in one statement: for each, its attempts, the delivery's new state, the
 * payload it built (so every retry sends the same bytes) and, for a retry, the next job. Each
 * round is guarded by the attempt count it started from, so a round that lost a race (its job
 * handed to another worker) changes nothing and answers null; the others answer their group as
 * it stood, for the group-health step. Answers in the order of `rounds`.
 */
export async function recordRounds(db: Db, rounds: readonly RoundRecord[]): Promise<(GroupSeen | null)[]> {
  if (rounds.length === 0) return [];
  // One JSON parameter: the statement's text is the same for any number of rounds, so it is
  // prepared once per connection.
  const input = JSON.stringify(rounds.map(roundInput));
  const rows = await runPrepared(db, sql<{ i: number; group_enabled: boolean; group_failing_for_ms: string | null }>`
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as r(i int, delivery_id uuid, attempts_recorded int, status text,
        retry_at timestamptz, retry_round int, payload text, payload_errors jsonb, attempts jsonb)
    ), locked as (
      -- Rows locked in id order before any is written: two batches that share a delivery (a
      -- race after a crash) wait for each other instead of deadlocking.
      select id from deliveries where id in (select delivery_id from input) order by id for update
    ), updated as (
      update deliveries d
      set status = input.status,
          attempt_count = input.attempts_recorded + jsonb_array_length(input.attempts),
          next_attempt_at = input.retry_at,
          finished_at = case when input.retry_at is null then now() end,
          -- The schedule's span (what ends a throttled delivery) counts from its first attempt.
          schedule_started_at = coalesce(d.schedule_started_at, (input.attempts->0->>'started_at')::timestamptz),
          payload = coalesce(d.payload, input.payload),
          payload_errors = case when d.payload is null then input.payload_errors else d.payload_errors end
      from input join locked on locked.id = input.delivery_id
      where d.id = input.delivery_id and d.attempt_count = input.attempts_recorded and d.finished_at is null
      returning input.i, d.id, d.webhook_group_id, d.attempt_count, input.retry_at, input.retry_round, input.attempts
    ), inserted as (
      insert into delivery_attempts (delivery_id, number, started_at, duration_ms, request_method, request_url,
        request_headers, response_status, response_headers, response_body, response_body_truncated, error, note)
      select u.id, a.* from updated u cross join lateral jsonb_to_recordset(u.attempts) as a(number int,
        started_at timestamptz, duration_ms int, request_method text, request_url text, request_headers jsonb,
        response_status int, response_headers jsonb, response_body text, response_body_truncated boolean,
        error text, note text)
      returning 1
    ), released as (
      -- An ordered lane's claim ends with its round (src/store/delivery-lanes.ts).
      update delivery_lanes set delivery_id = null
      where delivery_id in (select id from updated)
      returning 1
    ), retried as (
      select id, retry_round, attempt_count, retry_at from updated where retry_at is not null
    )
    select u.i, g.enabled as group_enabled,
           (extract(epoch from now() - g.failing_since) * 1000)::bigint::text as group_failing_for_ms,
           (select count(*) from inserted) as inserted, (select count(*) from released) as released,
           ${queueDeliverJobs(sql`retried`, { deliveryId: sql`id`, round: sql`retry_round`, attemptsRecorded: sql`attempt_count`, runAt: sql`retry_at` })} as queued
    from updated u join webhook_groups g on g.id = u.webhook_group_id`.compile(db));
  const seen: (GroupSeen | null)[] = rounds.map(() => null);
  for (const row of rows) {
    seen[row.i] = { enabled: row.group_enabled, failingForMs: row.group_failing_for_ms === null ? null : Number(row.group_failing_for_ms) };
  }
  return seen;
}

function roundInput(round: RoundRecord, i: number) {
  return {
    i,
    delivery_id: round.deliveryId,
    attempts_recorded: round.attemptsRecorded,
    status: round.outcome.status,
    retry_at: round.outcome.retry?.at ?? null,
    retry_round: round.outcome.retry?.round ?? null,
    payload: round.payload ? storableText(round.payload.body) : null,
    payload_errors: round.payload?.errors == null ? null : storableJson(round.payload.errors),
    attempts: round.attempts.map(storableAttempt).map((attempt) => ({
      number: attempt.number,
      started_at: attempt.startedAt,
      duration_ms: attempt.durationMs,
      request_method: attempt.requestMethod,
      request_url: attempt.requestUrl,
      request_headers: attempt.requestHeaders,
      response_status: attempt.responseStatus,
      response_headers: attempt.responseHeaders,
      response_body: attempt.responseBody,
      response_body_truncated: attempt.responseBodyTruncated,
      error: attempt.error,
      note: attempt.note,
    })),
  };
}

/** A partner's answer may hold what PostgreSQL cannot store (U+0000); recorded faithfully otherwise. */
function storableAttempt(attempt: NewAttempt): NewAttempt {
  return {
    ...attempt,
    responseHeaders: attempt.responseHeaders ? storableJson(attempt.responseHeaders) : null,
    responseBody: attempt.responseBody === null ? null : storableText(attempt.responseBody),
    error: attempt.error === null ? null : storableText(attempt.error),
    note: attempt.note === null ? null : storableText(attempt.note),
  };
}
