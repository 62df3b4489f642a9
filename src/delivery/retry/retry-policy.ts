const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** A partner answering `Retry-After: 0` must not turn the worker into a busy loop. */
const MIN_RETRY_AFTER_MS = 1_000;
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
  | { readonly kind: "retry"; readonly at: Date; readonly delayMs: number }
  | { readonly kind: "failed" };

export interface NextAttemptInput {
  /** The round just made (1 = the first send): the schedule's n-th delay follows round n. */
  readonly round: number;
  readonly outcome: AttemptOutcome;
  readonly schedule: readonly number[];
  /** [0, 1]; injectable so tests can pin the jitter. */
  readonly random?: () => number;
  readonly now: Date;
}

/**
 * What follows an attempt. A scheduled delay is spread ±20 % so hooks that failed together do
 * not all retry in the same instant. A 429/503 `Retry-After` replaces it as given (the partner
 * asked for that moment), clamped to 1 s…24 h; it still uses up one of the schedule's retries,
 * so a partner that keeps answering 429 cannot keep a delivery alive forever.
 */
export function nextAttempt({ round, outcome, schedule, random = Math.random, now }: NextAttemptInput): NextAttempt {
  if (!Number.isSafeInteger(round) || round < 1) throw new RangeError("round must be a whole number from 1");
  const { status, retryAfterMs } = outcome;
  if (status !== undefined && status >= 200 && status < 300) return { kind: "succeeded" };
  if (status === 410) return { kind: "gone" };

  const scheduled = schedule[round - 1];
  if (scheduled === undefined) return { kind: "failed" };

  const honourRetryAfter = (status === 429 || status === 503) && retryAfterMs != null;
  const delayMs = honourRetryAfter
    ? Math.min(Math.max(retryAfterMs, MIN_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS)
    : Math.round(scheduled * (1 - JITTER + 2 * JITTER * random()));
  return { kind: "retry", at: new Date(now.getTime() + delayMs), delayMs };
}
