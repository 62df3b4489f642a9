import { describe, expect, it } from "vitest";
import { defaultRetrySchedule, parseRetrySchedule } from "../../../src/config.js";
import { isThrottled, MAX_THROTTLED_WAIT_MS, nextAttempt, parseRetryAfter } from "../../../src/delivery/retry/retry-policy.js";

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const now = new Date("2024-05-01T12:00:00Z");

describe("parseRetrySchedule", () => {
  it("reads every unit into milliseconds, tolerating spaces", () => {
    expect(parseRetrySchedule("250ms, 5s,5m ,2h,1d")).toEqual([250, 5 * S, 5 * M, 2 * H, 24 * H]);
  });

  it("gives the default schedule: 9 retries, 10 attempts in all", () => {
    expect(defaultRetrySchedule).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H]);
  });

  it("refuses an empty schedule and names the variable", () => {
    expect(() => parseRetrySchedule("")).toThrow(/HOOKGATE_RETRY_SCHEDULE.*empty/);
    expect(() => parseRetrySchedule("  ")).toThrow(/HOOKGATE_RETRY_SCHEDULE/);
  });

  it("refuses a bad entry, naming it", () => {
    for (const bad of ["5", "5x", "1.5h", "-5s", "0s", "h", "5 s"]) {
      expect(() => parseRetrySchedule(`5s,${bad},1h`)).toThrow(`HOOKGATE_RETRY_SCHEDULE: bad entry "${bad}"`);
    }
    expect(() => parseRetrySchedule("5s,,1h")).toThrow(/bad entry ""/);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120 * S);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date relative to now", () => {
    expect(parseRetryAfter("Wed, 01 May 2024 12:02:30 GMT", now)).toBe(150 * S);
  });

  it("gives null for absent, garbage, negative and past values", () => {
    for (const bad of [undefined, "", "soon", "-5", "1.5", "Wed, 01 May 2024 11:59:00 GMT"]) {
      expect(parseRetryAfter(bad, now)).toBeNull();
    }
  });

  it("caps at 24 hours", () => {
    expect(parseRetryAfter(String(7 * 24 * 3600), now)).toBe(24 * H);
    expect(parseRetryAfter("Fri, 01 May 2026 12:00:00 GMT", now)).toBe(24 * H);
  });
});

describe("nextAttempt", () => {
  const schedule = [10 * S, 5 * M, 1 * H];
  const span = 10 * S + 5 * M + 1 * H;
  const after = (
    round: number,
    outcome: { status?: number; retryAfterMs?: number | null },
    random = () => 0.5,
    scheduleStartedAt: Date | null = null,
  ) => nextAttempt({ round, outcome, schedule, random, now, scheduleStartedAt });
  const startedAgo = (ms: number) => new Date(now.getTime() - ms);

  it("stops on any 2xx", () => {
    expect(after(1, { status: 200 })).toEqual({ kind: "succeeded" });
    expect(after(3, { status: 204 })).toEqual({ kind: "succeeded" });
  });

  it("stops retrying on 410 Gone, even with retries left", () => {
    expect(after(1, { status: 410 })).toEqual({ kind: "gone" });
  });

  it("retries a failure after the scheduled delay for that attempt, using up the round", () => {
    expect(after(1, { status: 500 })).toEqual({ kind: "retry", delayMs: 10 * S, at: new Date(now.getTime() + 10 * S), throttled: false });
    expect(after(2, {})).toMatchObject({ kind: "retry", delayMs: 5 * M, throttled: false });
    expect(after(3, { status: 302 })).toMatchObject({ kind: "retry", delayMs: 1 * H, throttled: false });
  });

  it("spreads the delay by at most ±20 %", () => {
    expect(after(2, { status: 500 }, () => 0)).toMatchObject({ delayMs: 4 * M });
    expect(after(2, { status: 500 }, () => 1)).toMatchObject({ delayMs: 6 * M });
    expect(after(2, { status: 500 }, () => 0.5)).toMatchObject({ delayMs: 5 * M });
  });

  it("fails after the last scheduled retry", () => {
    expect(after(4, { status: 500 })).toEqual({ kind: "failed", throttled: false });
    expect(after(4, {})).toEqual({ kind: "failed", throttled: false });
    expect(nextAttempt({ round: 10, outcome: {}, schedule: defaultRetrySchedule, now })).toEqual({ kind: "failed", throttled: false });
    expect(nextAttempt({ round: 9, outcome: {}, schedule: defaultRetrySchedule, now }).kind).toBe("retry");
  });

  it("takes 429, and 503 with Retry-After, for throttling: the round is not used up", () => {
    expect(isThrottled({ status: 429, retryAfterMs: null })).toBe(true);
    expect(isThrottled({ status: 429, retryAfterMs: 2 * S })).toBe(true);
    expect(isThrottled({ status: 503, retryAfterMs: 2 * S })).toBe(true);
    expect(isThrottled({ status: 503, retryAfterMs: null })).toBe(false);
    expect(isThrottled({ status: 500, retryAfterMs: 2 * S })).toBe(false);
    expect(isThrottled({})).toBe(false);
    expect(after(1, { status: 503, retryAfterMs: null })).toMatchObject({ delayMs: 10 * S, throttled: false });
  });

  it("honours Retry-After on 429 and 503 without jitter, at least 1 s and up to the end of the schedule's span", () => {
    expect(after(1, { status: 429, retryAfterMs: 90 * S }, () => 0)).toEqual({
      kind: "retry",
      delayMs: 90 * S,
      at: new Date(now.getTime() + 90 * S),
      throttled: true,
    });
    expect(after(1, { status: 503, retryAfterMs: 20 * M }, () => 1)).toMatchObject({ delayMs: 20 * M, throttled: true });
    const long = (retryAfterMs: number, startedAt: Date | null = null) =>
      nextAttempt({ round: 1, outcome: { status: 503, retryAfterMs }, schedule: defaultRetrySchedule, now, scheduleStartedAt: startedAt });
    expect(long(2 * H)).toMatchObject({ delayMs: 2 * H });
    // Asked for longer than the span has left: the last attempt comes at the span's end.
    const defaultSpan = defaultRetrySchedule.reduce((sum, delay) => sum + delay, 0);
    expect(long(20 * H, startedAgo(defaultSpan - 3 * H))).toMatchObject({ delayMs: 3 * H });
    expect(after(1, { status: 503, retryAfterMs: 2 * H })).toMatchObject({ delayMs: span });
    expect(after(1, { status: 429, retryAfterMs: 0 })).toMatchObject({ delayMs: 1 * S });
  });

  it("waits a 429 without Retry-After the round's scheduled delay, or the last one past the schedule, at most 1 h", () => {
    expect(after(1, { status: 429, retryAfterMs: null })).toMatchObject({ delayMs: 10 * S, throttled: true });
    expect(after(2, { status: 429, retryAfterMs: null })).toMatchObject({ delayMs: 5 * M, throttled: true });
    // A redelivered attempt (round past the schedule) throttled: still retried, not failed.
    expect(after(4, { status: 429, retryAfterMs: null })).toMatchObject({ delayMs: 1 * H, throttled: true });
    expect(nextAttempt({ round: 9, outcome: { status: 429 }, schedule: defaultRetrySchedule, now, random: () => 0.5 })).toMatchObject({
      delayMs: MAX_THROTTLED_WAIT_MS,
    });
  });

  it("backs a long throttling off: at least a tenth of the time the schedule has run", () => {
    expect(after(1, { status: 429, retryAfterMs: 1 * S }, () => 0.5, startedAgo(10 * M))).toMatchObject({ delayMs: 1 * M });
    expect(after(1, { status: 429, retryAfterMs: 5 * M }, () => 0.5, startedAgo(10 * M))).toMatchObject({ delayMs: 5 * M });
    expect(after(1, { status: 429, retryAfterMs: 1 * S }, () => 0.5, startedAgo(30 * M))).toMatchObject({ delayMs: 3 * M });
    // Never past the span's end (1 h 5 min 10 s here): the last attempt comes then.
    expect(after(1, { status: 429, retryAfterMs: 1 * S }, () => 0.5, startedAgo(1 * H))).toMatchObject({ delayMs: 5 * M + 10 * S });
    const longAgo = new Date(now.getTime() - 20 * H);
    expect(
      nextAttempt({ round: 1, outcome: { status: 429, retryAfterMs: 1 * S }, schedule: defaultRetrySchedule, now, scheduleStartedAt: longAgo }),
    ).toMatchObject({ delayMs: MAX_THROTTLED_WAIT_MS });
  });

  it("fails a throttled delivery only once the schedule's span has passed since it began", () => {
    expect(after(1, { status: 429, retryAfterMs: 1 * S }, () => 0.5, startedAgo(span - 1))).toMatchObject({ kind: "retry", throttled: true });
    expect(after(1, { status: 429, retryAfterMs: 1 * S }, () => 0.5, startedAgo(span))).toEqual({ kind: "failed", throttled: true });
    expect(after(4, { status: 429, retryAfterMs: 1 * S }, () => 0.5, startedAgo(span))).toEqual({ kind: "failed", throttled: true });
  });

  it("ignores Retry-After on other statuses", () => {
    expect(after(1, { status: 500, retryAfterMs: 90 * S })).toMatchObject({ delayMs: 10 * S, throttled: false });
    expect(after(4, { status: 500, retryAfterMs: 90 * S })).toEqual({ kind: "failed", throttled: false });
  });

  it("keeps a partner answering 429 with Retry-After: 1 for ever at it for the default schedule's ~3 days, in a bounded number of attempts", () => {
    const started = now.getTime();
    const defaultSpan = defaultRetrySchedule.reduce((sum, delay) => sum + delay, 0);
    let clock = started;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = nextAttempt({
        round: 1,
        outcome: { status: 429, retryAfterMs: 1 * S },
        schedule: defaultRetrySchedule,
        now: new Date(clock),
        scheduleStartedAt: new Date(started),
      });
      if (next.kind !== "retry") {
        expect(next).toEqual({ kind: "failed", throttled: true });
        break;
      }
      clock = next.at.getTime();
    }
    expect(clock - started).toBeGreaterThanOrEqual(defaultSpan);
    expect(clock - started).toBeLessThan(defaultSpan + MAX_THROTTLED_WAIT_MS);
    expect(attempts).toBeGreaterThan(defaultRetrySchedule.length + 1);
    expect(attempts).toBeLessThan(200);
  });

  it("refuses an attempt number below 1", () => {
    expect(() => after(0, { status: 500 })).toThrow(RangeError);
  });
});
