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

/**
 * Records what a round of a delivery did, in one statement: its attempts, the delivery's new
 * state and, for a retry, the next job. Guarded by the attempt count the round started from, so a
 * round that lost a race (its job handed to another worker) changes nothing: then it answers
 * null. Otherwise it answers the group as it stood, for the group-health step.
 */
export async function recordAttempts(
  db: Db,
  deliveryId: string,
  attemptsRecorded: number,
  attempts: readonly NewAttempt[],
  outcome: DeliveryOutcome,
): Promise<GroupSeen | null> {
  const finished = outcome.retry === null;
  const values = sql.join(
    attempts.map(storableAttempt).map(
      (attempt) => sql`(${attempt.number}::int, ${attempt.startedAt}::timestamptz, ${attempt.durationMs}::int,
        ${attempt.requestMethod}::text, ${attempt.requestUrl}::text, ${JSON.stringify(attempt.requestHeaders)}::jsonb,
        ${attempt.responseStatus}::int, ${attempt.responseHeaders ? JSON.stringify(attempt.responseHeaders) : null}::jsonb,
        ${attempt.responseBody}::text, ${attempt.responseBodyTruncated}::boolean, ${attempt.error}::text, ${attempt.note}::text)`,
    ),
  );
  const retry = outcome.retry;
  const queued = retry
    ? queueDeliverJobs(sql`updated`, {
        deliveryId: sql`id`,
        round: retry.round,
        attemptsRecorded: attemptsRecorded + attempts.length,
        runAt: retry.at,
      })
    : sql`0`;
  const rows = await runPrepared(db, sql<{ group_enabled: boolean; group_failing_for_ms: string | null }>`
    with updated as (
      update deliveries
      set status = ${outcome.status},
          attempt_count = ${attemptsRecorded + attempts.length},
          next_attempt_at = ${outcome.retry?.at ?? null}::timestamptz,
          finished_at = ${finished ? sql`now()` : sql`null`}
      where id = ${deliveryId} and attempt_count = ${attemptsRecorded} and finished_at is null
      returning id, webhook_group_id
    ), inserted as (
      insert into delivery_attempts (delivery_id, number, started_at, duration_ms, request_method, request_url,
        request_headers, response_status, response_headers, response_body, response_body_truncated, error, note)
      select updated.id, a.* from updated, (values ${values}) as a
      returning 1
    )
    select g.enabled as group_enabled,
           (extract(epoch from now() - g.failing_since) * 1000)::bigint::text as group_failing_for_ms,
           (select count(*) from inserted) as inserted, ${queued} as queued
    from updated join webhook_groups g on g.id = updated.webhook_group_id`.compile(db));
  const row = rows[0];
  if (!row) return null;
  return { enabled: row.group_enabled, failingForMs: row.group_failing_for_ms === null ? null : Number(row.group_failing_for_ms) };
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
