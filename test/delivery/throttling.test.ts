import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useCleanup } from "../support/cleanup.js";
import { isFinished, waitForDelivery } from "../support/delivery-log.js";
import { createEvent } from "../support/fixtures.js";
import { readGroup } from "../support/group-helpers.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { type TestApp, useTestApp } from "../support/test-app.js";

// DESIGN.md: "429/503 honour Retry-After without using up the schedule". A partner that throttles
// (429, or 503 with Retry-After) is waited for as it asks, each attempt in the log, and the
// delivery fails only once the schedule's whole span has passed since its first attempt; a
// throttling partner is busy, not failing, so its group is not switched off for it.

const closeAfterTest = useCleanup();

async function throttledDelivery(app: TestApp, name: string, answers: { throttledTimes: number }) {
  const s = await isolatedGroup(app, closeAfterTest, name, { type: "EVENT_CREATED", path: "/busy" });
  let seen = 0;
  s.receiver.answerAlways(() => {
    seen += 1;
    return seen <= answers.throttledTimes ? { status: 429, headers: { "retry-after": "1" }, body: "slow down" } : { status: 200 };
  });
  await createEvent(app, { title: name }, s.key);
  const [request] = await s.receiver.waitFor(1);
  return { ...s, id: String(request!.headers["webhook-id"]) };
}

const ms = (iso: string) => new Date(iso).getTime();

describe("a partner answering 429 with Retry-After: 1 (schedule 100ms,100ms,10s: 4 rounds over 10.2 s)", () => {
  const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "100ms,100ms,10s" }, { worker: true });

  it("is waited for as asked, using up no round, until it takes the delivery: SUCCEEDED after more attempts than rounds", async () => {
    const s = await throttledDelivery(app, "429 five times", { throttledTimes: 5 });
    const log = await waitForDelivery(app, s.id, isFinished, { key: s.key, timeoutMs: 30_000 });
    expect(log.status).toBe("SUCCEEDED");
    expect(log.attemptCount).toBe(6);
    expect(log.attempts.map((attempt) => attempt.responseStatus)).toEqual([429, 429, 429, 429, 429, 200]);
    for (const attempt of log.attempts.slice(0, 5)) expect(attempt.responseHeaders).toMatchObject({ "retry-after": "1" });
    // Each retry waited the second it was asked to, not the schedule's 100 ms.
    for (let i = 1; i < log.attempts.length; i++) {
      expect(ms(log.attempts[i]!.startedAt) - ms(log.attempts[i - 1]!.startedAt)).toBeGreaterThanOrEqual(950);
    }
    expect(s.receiver.requests).toHaveLength(6);
  });
});

describe("a partner answering 429 with Retry-After: 1 for ever (schedule 100ms,3500ms: 3 rounds over 3.6 s)", () => {
  const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "100ms,3500ms", HOOKGATE_AUTO_DISABLE_AFTER: "500ms" }, { worker: true });

  it("ends the delivery FAILED only once the schedule's span has passed since its first attempt, and leaves its group on", async () => {
    const s = await throttledDelivery(app, "429 for ever", { throttledTimes: Number.POSITIVE_INFINITY });
    const log = await waitForDelivery(app, s.id, isFinished, { key: s.key, timeoutMs: 30_000 });
    expect(log.status).toBe("FAILED");
    expect(log.attempts.every((attempt) => attempt.responseStatus === 429)).toBe(true);
    // More attempts than the schedule's rounds: throttled ones used none up.
    expect(log.attemptCount).toBeGreaterThan(3);
    const first = ms(log.attempts[0]!.startedAt);
    expect(ms(log.attempts.at(-1)!.startedAt) - first).toBeGreaterThanOrEqual(3_600);
    expect(ms(log.finishedAt!) - first).toBeGreaterThanOrEqual(3_600);
    // Not a partner failing for longer than HOOKGATE_AUTO_DISABLE_AFTER: the group stays on, its failure clock unstarted.
    expect((await readGroup(app, s.groupId, s.key))!.enabled).toBe(true);
    const { rows } = await sql<{ failing_since: Date | null }>`select failing_since from webhook_groups where id = ${s.groupId}`.execute(app.db);
    expect(rows[0]!.failing_since).toBeNull();
  });

  it("counts the span afresh after a redeliver: a throttled redelivery is waited for, not failed at once", async () => {
    const s = await throttledDelivery(app, "429 then redelivered", { throttledTimes: Number.POSITIVE_INFINITY });
    const failed = await waitForDelivery(app, s.id, isFinished, { key: s.key, timeoutMs: 30_000 });
    expect(failed.status).toBe("FAILED");
    // The partner recovers, but still asks for one more second first.
    let after = 0;
    s.receiver.answerAlways(() => (++after === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }));
    const result = await app.graphql(`mutation ($id: ID!) { redeliver(deliveryId: $id) { id } }`, { id: s.id }, { key: s.key });
    expect(result.errors).toBeUndefined();
    const log = await waitForDelivery(app, s.id, (read) => isFinished(read) && read.attemptCount > failed.attemptCount, {
      key: s.key,
      timeoutMs: 30_000,
    });
    expect(log.status).toBe("SUCCEEDED");
    expect(log.attempts.slice(failed.attemptCount).map((attempt) => attempt.responseStatus)).toEqual([429, 200]);
  });
});
