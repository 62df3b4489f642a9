import { describe, expect, it } from "vitest";
import { decide } from "../../../src/delivery/steps/decide.js";

// Which round comes next: a failure uses one up, a throttled attempt (the partner asked to wait) does not.

const now = new Date("2024-05-01T12:00:00Z");
const config = { retrySchedule: [1_000, 60_000] };
const job = { deliveryId: "0b6a4c38-6f4e-4a39-9d43-1c9f1c9b2c11", round: 2, attemptsRecorded: 5 };
const startedAgo = (ms: number) => new Date(now.getTime() - ms);

describe("decide", () => {
  it("queues the next round after a failure", () => {
    const decision = decide(job, { status: 500 }, config, now, startedAgo(1_000));
    expect(decision).toMatchObject({ status: "RETRYING", retry: { round: 3 }, succeeded: false, throttled: false });
  });

  it("queues the same round again after a throttled attempt, at the partner's Retry-After", () => {
    const decision = decide(job, { status: 429, retryAfterMs: 5_000 }, config, now, startedAgo(1_000));
    expect(decision).toEqual({
      status: "RETRYING",
      retry: { round: 2, at: new Date(now.getTime() + 5_000) },
      succeeded: false,
      throttled: true,
    });
  });

  it("fails a throttled delivery once the schedule's span (61 s here) has passed since it began", () => {
    expect(decide(job, { status: 429 }, config, now, startedAgo(60_999)).status).toBe("RETRYING");
    expect(decide(job, { status: 429 }, config, now, startedAgo(61_000))).toEqual({
      status: "FAILED",
      retry: null,
      succeeded: false,
      throttled: true,
    });
  });

  it("fails once the rounds are spent by failures", () => {
    expect(decide({ ...job, round: 3 }, { status: 500 }, config, now, startedAgo(1_000))).toMatchObject({ status: "FAILED", throttled: false });
  });
});
