const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** A partner answering `Retry-After: 0` must not turn the worker into a busy loop. */
const MIN_THROTTLED_WAIT_MS = 1_000;
/** Without a longer Retry-After, a throttled delivery looks again within the hour. */
export const MAX_THROTTLED_WAIT_MS = 3_600_000;
/**
 * A throttled delivery waits at least this share of how long its schedule has run: a partner
 * that answers `Retry-After: 1` for three days gets about a hundred and fifty attempts, not
 * a quarter of a million (which would also fill the log).
 */
const THROTTLED_BACKOFF = 0.1;
const JITTER = 0.2;

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date. Garbage and dates in
 * the past give null (fall back to the schedule); anything longer than a day is cut to a day.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  const text = value?.trim() ?? "";
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1_000;
  // Date.parse accepts bare numbers such as "-5" or "1.5"; an HTTP date always has a month name.
  else if (/[A-Za-z]/.test(text)) ms = Date.parse(text) - now.getTime();
  else return null;
  if (!Number.isFinite(ms) || ms < 0) return null;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

export interface AttemptOutcome {
  /** Absent: no HTTP answer (network error, timeout, blocked address, origin failure). */
  readonly status?: number;
  readonly retryAfterMs?: number | null;
}

export type NextAttempt =
  | { readonly kind: "succeeded" }
  | { readonly kind: "gone" }
  /** `throttled`: the partner asked to wait; the round is not used up. */
  | { readonly kind: "retry"; readonly at: Date; readonly delayMs: number; readonly throttled: boolean }
  /** `throttled`: the schedule's span ran out while the partner was still asking to wait. */
  | { readonly kind: "failed"; readonly throttled: boolean };

export interface NextAttemptInput {
  /** The round just made (1 = the first send): the schedule's n-th delay follows round n. */
  readonly round: number;
  readonly outcome: AttemptOutcome;
  readonly schedule: readonly number[];
  /** [0, 1]; injectable so tests can pin the jitter. */
  readonly random?: () => number;
  readonly now: Date;
  /** When this run of the schedule began (the delivery's first attempt, or since a redeliver or recover); absent: now. */
  readonly scheduleStartedAt?: Date | null;
}

/**
 * A partner that is throttling rather than failing: 429 (with or without Retry-After), or 503
 * with Retry-After (a 503 without it is an outage like any 5xx).
 */
export function isThrottled({ status, retryAfterMs }: AttemptOutcome): boolean {
  return status === 429 || (status === 503 && retryAfterMs != null);
}

/**
 * What follows an attempt. A failure uses up a round of the schedule and waits its delay, spread
 * ±20 % so hooks that failed together do not all retry in the same instant; once the rounds are
 * spent the delivery has failed. A throttled attempt uses up nothing (DESIGN.md: waiting for a
 * partner's Retry-After never uses up a delivery's attempts): it waits as asked (without
 * Retry-After, the round's scheduled delay, within the hour) and at least a tenth of the time
 * the schedule has run, never past the end of the schedule's span; the delivery fails only when the schedule's whole span has passed since
 * it began — the three days the default schedule promises, not ten quick answers.
 */
export function nextAttempt({ round, outcome, schedule, random = Math.random, now, scheduleStartedAt }: NextAttemptInput): NextAttempt {
  if (!Number.isSafeInteger(round) || round < 1) throw new RangeError("round must be a whole number from 1");
  const { status, retryAfterMs } = outcome;
  if (status !== undefined && status >= 200 && status < 300) return { kind: "succeeded" };
  if (status === 410) return { kind: "gone" };
  const jittered = (delay: number) => Math.round(delay * (1 - JITTER + 2 * JITTER * random()));

  if (isThrottled(outcome)) {
    const elapsedMs = Math.max(0, now.getTime() - (scheduleStartedAt ?? now).getTime());
    const spanMs = schedule.reduce((sum, delay) => sum + delay, 0);
    if (elapsedMs >= spanMs) return { kind: "failed", throttled: true };
    // hookgate's own waits (the round's delay without Retry-After, the backoff) stay within the hour;
    // a partner's Retry-After is honoured as asked, up to the end of the schedule's span, where the
    // last attempt is made.
    const own = retryAfterMs == null ? jittered(schedule[Math.min(round, schedule.length) - 1] ?? 0) : 0;
    const ours = Math.min(Math.max(own, Math.round(elapsedMs * THROTTLED_BACKOFF), MIN_THROTTLED_WAIT_MS), MAX_THROTTLED_WAIT_MS);
    const delayMs = Math.min(Math.max(ours, retryAfterMs ?? 0), Math.max(MIN_THROTTLED_WAIT_MS, spanMs - elapsedMs));
    return { kind: "retry", at: new Date(now.getTime() + delayMs), delayMs, throttled: true };
  }

  const scheduled = schedule[round - 1];
  if (scheduled === undefined) return { kind: "failed", throttled: false };
  const delayMs = jittered(scheduled);
  return { kind: "retry", at: new Date(now.getTime() + delayMs), delayMs, throttled: false };
}
