import { type RawBuilder, sql } from "kysely";
import { isUuid } from "./ids.js";

/**
 * The job contract: every queue task hookgate runs, its payload, and the one function that
 * queues it. A task's name carries its version, so a job written by an older hookgate keeps its
 * meaning; jobs carry ids, never payloads or secrets.
 */
export const taskNames = {
  deliver: "deliver_v2",
  /** Queued by hookgate 0.1 as `{ deliveryId, run, attemptsBefore }`; still run. */
  deliverV1: "deliver_v1",
  /** One batch of an initialization (backfill): queues its next deliveries, then itself again. */
  initialize: "initialize_v1",
  /** Deletes what is older than HOOKGATE_RETENTION (src/delivery/retention/); scheduled by cron, no payload. */
  retention: "retention_v1",
} as const;

/** One round of a delivery: at most two attempts (a second after a 401 with a fresh token). */
export interface DeliverJob {
  readonly deliveryId: string;
  /** Which round of the retry schedule this is: 1 is the first send; the schedule's n-th delay precedes round n + 1. */
  readonly round: number;
  /** Attempts in the delivery's log before this round; a job whose delivery has moved on does nothing. */
  readonly attemptsRecorded: number;
}

/**
 * Retries of a delivery are hookgate's own (its schedule, Retry-After, 410); graphile-worker's
 * attempts only cover a task that crashed unexpectedly (database down, a bug).
 */
export const jobMaxAttempts = 10;

/** A deliver job's payload as the queue hands it back; throws on anything else (a bug, or tampering). */
export function parseDeliverJob(payload: unknown): DeliverJob {
  const job = payload as Partial<DeliverJob> | null;
  if (typeof job?.deliveryId !== "string" || !isUuid(job.deliveryId) || !isCount(job.round) || job.round < 1 || !isCount(job.attemptsRecorded)) {
    throw new Error(`${taskNames.deliver}: malformed job payload ${JSON.stringify(payload)}`);
  }
  return { deliveryId: job.deliveryId, round: job.round, attemptsRecorded: job.attemptsRecorded };
}

/** A `deliver_v1` payload in today's terms: `run` was the round, `attemptsBefore` the attempts recorded. */
export function parseDeliverJobV1(payload: unknown): DeliverJob {
  const job = payload as { deliveryId?: unknown; run?: unknown; attemptsBefore?: unknown } | null;
  return parseDeliverJob({ deliveryId: job?.deliveryId, round: job?.run, attemptsRecorded: job?.attemptsBefore });
}

/** One batch of an initialization; where it stands is on the initialization's row, not in the job. */
export interface InitializeJob {
  readonly initializationId: string;
}

export function parseInitializeJob(payload: unknown): InitializeJob {
  const job = payload as Partial<InitializeJob> | null;
  if (typeof job?.initializationId !== "string" || !isUuid(job.initializationId)) {
    throw new Error(`${taskNames.initialize}: malformed job payload ${JSON.stringify(payload)}`);
  }
  return { initializationId: job.initializationId };
}

/**
 * SQL that queues the next batch of an initialization and evaluates to how many jobs it queued
 * (0 when `initializationId` is null: nothing left to queue). Keyed by the initialization, so it
 * has one job at a time: queued from the batch that is running, it retires that one's key.
 */
export function queueInitializeJob(initializationId: Column, runAt: Column): RawBuilder<number> {
  return sql<number>`(case when ${initializationId} is null then 0 else (select count(*)::int from graphile_worker.add_jobs(array[
    row(${taskNames.initialize}, json_build_object('initializationId', ${initializationId}), null, (${runAt})::timestamptz,
        ${jobMaxAttempts}, 'initialization:' || ${initializationId}, null, null)::graphile_worker.job_spec])) end)`;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

type Column = RawBuilder<unknown>;

/** Where each field of the jobs comes from: a column of `from`, or one value for all of them. */
export interface DeliverJobColumns {
  readonly deliveryId: Column;
  readonly round: Column | number;
  readonly attemptsRecorded: Column | number;
  /** When the job may run; absent: at once. */
  readonly runAt?: Column | Date;
}

/**
 * SQL that queues one deliver job per row of `from` (a CTE or subquery of the same statement)
 * and evaluates to how many it queued. The only place a job is written: it goes into the
 * statement that creates or changes the deliveries, so a delivery and its job commit together.
 *
 * Each job is keyed by its delivery, so a delivery has at most one job that can still run: a new
 * one replaces a waiting one, and one already running is retired (graphile-worker's add_jobs
 * clears its key and sets its attempts to the maximum, so it is never fetched again, even if a
 * crash unlocks it). A round put back in the queue, or a retry queued while its round's job is
 * still being completed, therefore never leaves two jobs that could both send.
 */
export function queueDeliverJobs(from: Column, columns: DeliverJobColumns): RawBuilder<number> {
  const payload = sql`json_build_object('deliveryId', ${columns.deliveryId}, 'round', ${columns.round}::int,
    'attemptsRecorded', ${columns.attemptsRecorded}::int)`;
  const runAt = columns.runAt === undefined ? sql`null` : sql`${columns.runAt}::timestamptz`;
  // No rows, no call into graphile-worker at all.
  return sql<number>`(case when exists (select 1 from ${from}) then (select count(*)::int from graphile_worker.add_jobs(
    (select array_agg(row(${taskNames.deliver}, ${payload}, null, ${runAt}, ${jobMaxAttempts}, 'delivery:' || ${columns.deliveryId}, null, null)::graphile_worker.job_spec)
     from ${from}))) else 0 end)`;
}
