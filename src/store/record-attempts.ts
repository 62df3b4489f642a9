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

/**
 * Records what a round of a delivery did, in one statement: its attempts, the delivery's new
 * state and, for a retry, the next job. Guarded by the attempt count the round started from, so a
 * round that lost a race (its job handed to another worker) changes nothing.
 * Answers false when the guard refused.
 */
export async function recordAttempts(
  db: Db,
  deliveryId: string,
  attemptsRecorded: number,
  attempts: readonly NewAttempt[],
  outcome: DeliveryOutcome,
): Promise<boolean> {
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
  const rows = await runPrepared(db, sql<{ updated: string }>`
    with updated as (
      update deliveries
      set status = ${outcome.status},
          attempt_count = ${attemptsRecorded + attempts.length},
          next_attempt_at = ${outcome.retry?.at ?? null}::timestamptz,
          finished_at = ${finished ? sql`now()` : sql`null`}
      where id = ${deliveryId} and attempt_count = ${attemptsRecorded} and finished_at is null
      returning id
    ), inserted as (
      insert into delivery_attempts (delivery_id, number, started_at, duration_ms, request_method, request_url,
        request_headers, response_status, response_headers, response_body, response_body_truncated, error, note)
      select updated.id, a.* from updated, (values ${values}) as a
      returning 1
    )
    select (select count(*) from updated) as updated, (select count(*) from inserted) as inserted,
           ${queued} as queued`.compile(db));
  return rows[0]?.updated === "1";
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
