import { sql } from "kysely";
import { deliverTask, type DeliverJob, jobMaxAttempts } from "./jobs.js";
import { type Db, runPrepared } from "./database.js";
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
  /** Set when another attempt is scheduled: when, and the job that will make it. */
  retry: { at: Date; job: DeliverJob } | null;
  /**
   * What this run says about the group's health (null for test deliveries): any success clears
   * `failing_since`; a failure starts it, and once it is older than `disableAfterMs` the group
   * is disabled with `reason`.
   */
  groupHealth: { groupId: string; succeeded: boolean; disableAfterMs: number; reason: string } | null;
}

/**
 * Records what a run of a delivery did, in one statement: its attempts, the delivery's new state
 * and, for a retry, the next job. Guarded by the attempt count the run started from, so a run that
 * lost a race (its job handed to another worker) changes nothing.
 * Answers false when the guard refused.
 */
export async function recordAttempts(
  db: Db,
  deliveryId: string,
  attemptsBefore: number,
  attempts: readonly NewAttempt[],
  outcome: DeliveryOutcome,
): Promise<boolean> {
  const finished = outcome.retry === null;
  const health = outcome.groupHealth;
  // Never null: a group that has not been failing has not been failing too long.
  // Only a failure can disable: a success after a long outage is the group recovering.
  const failedTooLong = sql<boolean>`(not ${health?.succeeded ?? true}::boolean and coalesce(g.failing_since < now() - ${health?.disableAfterMs ?? 0}::bigint * interval '1 millisecond', false))`;
  const values = sql.join(
    attempts.map(storableAttempt).map(
      (attempt) => sql`(${attempt.number}::int, ${attempt.startedAt}::timestamptz, ${attempt.durationMs}::int,
        ${attempt.requestMethod}::text, ${attempt.requestUrl}::text, ${JSON.stringify(attempt.requestHeaders)}::jsonb,
        ${attempt.responseStatus}::int, ${attempt.responseHeaders ? JSON.stringify(attempt.responseHeaders) : null}::jsonb,
        ${attempt.responseBody}::text, ${attempt.responseBodyTruncated}::boolean, ${attempt.error}::text, ${attempt.note}::text)`,
    ),
  );
  const rows = await runPrepared(db, sql<{ updated: string }>`
    with updated as (
      update deliveries
      set status = ${outcome.status},
          attempt_count = ${attemptsBefore + attempts.length},
          next_attempt_at = ${outcome.retry?.at ?? null}::timestamptz,
          finished_at = ${finished ? sql`now()` : sql`null`}
      where id = ${deliveryId} and attempt_count = ${attemptsBefore} and finished_at is null
      returning id
    ), inserted as (
      insert into delivery_attempts (delivery_id, number, started_at, duration_ms, request_method, request_url,
        request_headers, response_status, response_headers, response_body, response_body_truncated, error, note)
      select updated.id, a.* from updated, (values ${values}) as a
      returning 1
    ), health as (
      update webhook_groups g
      set failing_since = case when ${health?.succeeded ?? true}::boolean then null else coalesce(g.failing_since, now()) end,
          enabled = g.enabled and not ${failedTooLong},
          disabled_at = case when g.enabled and ${failedTooLong} then now() else g.disabled_at end,
          disabled_reason = case when g.enabled and ${failedTooLong} then ${health?.reason ?? null}::text else g.disabled_reason end
      from updated
      where g.id = ${health?.groupId ?? null}::uuid
        -- Written only when something changes, so a healthy group's row is not a hot spot.
        and case when ${health?.succeeded ?? true}::boolean then g.failing_since is not null
                 else g.failing_since is null or (g.enabled and ${failedTooLong}) end
      returning 1
    ), queued as (
      select graphile_worker.add_job(${deliverTask}, ${JSON.stringify(outcome.retry?.job ?? null)}::json,
               run_at => ${outcome.retry?.at ?? null}::timestamptz, max_attempts => ${jobMaxAttempts})
      from updated
      where ${outcome.retry !== null}
    )
    select (select count(*) from updated) as updated, (select count(*) from inserted) as inserted,
           (select count(*) from queued) as queued, (select count(*) from health) as health`.compile(db));
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
