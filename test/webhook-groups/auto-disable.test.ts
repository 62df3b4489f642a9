import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { isFinished, waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createOrder } from "../support/fixtures.js";
import { createScopedGroup, deliveryCount, readGroup, requestsTo, setEnabled } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// A group whose every delivery attempt has failed for HOOKGATE_AUTO_DISABLE_AFTER is disabled;
// any success in between starts the clock afresh. Here the clock is 1 s and retries come every
// ~300 ms, so a delivery that keeps failing outlives the clock. The clock runs on the database
// (webhook_groups.failing_since against now()): a test that needs it to have run out moves
// failing_since back instead of waiting.

const app = useTestApp(
  { HOOKGATE_AUTO_DISABLE_AFTER: "1s", HOOKGATE_RETRY_SCHEDULE: "300ms,300ms,300ms,300ms,300ms,300ms" },
  { worker: true },
);
const receiver = useReceiver();

/** Resolved by the test when the partner of /alternating may give its first 200. */
let allowFirstSuccess: () => void = () => {};
const firstSuccess = new Promise<void>((resolve) => (allowFirstSuccess = resolve));

beforeAll(() => {
  // Each group posts to its own path; the path decides the answer.
  const counters = new Map<string, number>();
  receiver.answerAlways((request) => {
    const seen = (counters.get(request.path) ?? 0) + 1;
    counters.set(request.path, seen);
    if (request.path === "/always-500") return { status: 500, body: "down" };
    // Alternates 500, 200, 500, 200, …; the first 200 only once the test allows it.
    if (request.path === "/alternating") return seen % 2 === 1 ? { status: 500 } : { status: 200, until: seen === 2 ? firstSuccess : undefined };
    // Gone once, healthy afterwards.
    if (request.path === "/gone-then-ok") return { status: seen === 1 ? 410 : 200 };
    return { status: 200 };
  });
});

/** Moves the group's failure clock back by `ms`, as if it had been failing that much longer. */
async function ageFailureClock(groupId: string, ms: number) {
  const { rows } = await sql<{ id: string }>`
    update webhook_groups set failing_since = failing_since - ${ms}::bigint * interval '1 millisecond'
    where id = ${groupId} and failing_since is not null returning id`.execute(app.db);
  expect(rows, "the group's failure clock was running").toHaveLength(1);
}

describe("auto-disable after HOOKGATE_AUTO_DISABLE_AFTER of failures", () => {
  it("a group whose partner always answers 500 is disabled, with the reason, and then gets no new deliveries", async () => {
    const { eventId, group } = await createScopedGroup(app, receiver, "/always-500");

    // One change: its retries keep failing for longer than the clock, until hookgate gives up on the group.
    const startedAt = Date.now();
    await createOrder(app, eventId);
    const disabled = await eventually(() => readGroup(app, group.id), (read) => read?.enabled === false, {
      what: "disabled group",
    });
    expect(disabled!.disabledAt).toEqual(expect.any(String));
    expect(Date.parse(disabled!.disabledAt!)).toBeGreaterThanOrEqual(startedAt - 1_000);
    expect(disabled!.disabledReason).toContain("HOOKGATE_AUTO_DISABLE_AFTER");
    // Failing for 1 s at least: the clock was honoured, not a first failure disabling at once.
    const failures = requestsTo(receiver, "/always-500");
    expect(failures.length).toBeGreaterThan(1);
    expect(Date.parse(disabled!.disabledAt!) - failures[0]!.receivedAt).toBeGreaterThanOrEqual(900);

    // The retry already queued is not sent: the delivery ends FAILED with that reason in its log.
    await waitUntilSettled(app, { groupId: group.id });
    const [firstId] = await waitForDeliveryIds(app, { groupId: group.id });
    const stopped = await waitForDelivery(app, firstId!, isFinished);
    expect(stopped.status).toBe("FAILED");
    expect(stopped.attempts.at(-1)).toMatchObject({ responseStatus: null, error: "not sent: the webhook group was disabled" });
    expect(requestsTo(receiver, "/always-500")).toHaveLength(stopped.attempts.length - 1);

    // New changes create no delivery for it (deliveries are written in the change's transaction),
    // so nothing about them reaches the partner.
    const count = await deliveryCount(app, group.id);
    const order = await createOrder(app, eventId);
    expect(await deliveryCount(app, group.id)).toBe(count);
    await waitUntilSettled(app, { groupId: group.id });
    expect(requestsTo(receiver, "/always-500").some((request) => request.body.includes(order.id))).toBe(false);

    // Switching it back on by hand takes deliveries again.
    const enabled = await setEnabled(app, group.id, true);
    expect(enabled.data?.setWebhookGroupEnabled).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    const next = await createOrder(app, eventId);
    expect(await waitForDeliveryIds(app, { groupId: group.id, orderId: next.id })).toHaveLength(1);
  });

  it("a group whose deliveries succeed in between (partner alternates 500/200) stays enabled", async () => {
    const { eventId, group } = await createScopedGroup(app, receiver, "/alternating");

    // A first delivery fails; its retry is held at the partner while the group's clock is moved
    // past the limit: from here on, any failure that the success below did not reset would disable.
    const first = await createOrder(app, eventId);
    const [firstId] = await waitForDeliveryIds(app, { groupId: group.id, orderId: first.id });
    await waitForDelivery(app, firstId!, (delivery) => delivery.attemptCount === 1);
    await eventually(() => requestsTo(receiver, "/alternating").length, (n) => n === 2, { what: "the retry at the partner" });
    await ageFailureClock(group.id, 2_000);
    allowFirstSuccess();
    expect((await waitForDelivery(app, firstId!, isFinished)).status).toBe("SUCCEEDED");
    // Group health is written after the round is recorded, before its job completes.
    await waitUntilSettled(app, { groupId: group.id });

    // The partner fails again: a fresh clock, so the group stays enabled through it.
    const second = await createOrder(app, eventId);
    const [secondId] = await waitForDeliveryIds(app, { groupId: group.id, orderId: second.id });
    const failed = await waitForDelivery(app, secondId!, (delivery) => delivery.attemptCount >= 1);
    expect(failed.attempts[0]).toMatchObject({ responseStatus: 500 });
    expect(await readGroup(app, group.id)).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    expect((await waitForDelivery(app, secondId!, isFinished)).status).toBe("SUCCEEDED");
    expect(await readGroup(app, group.id)).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    await waitUntilSettled(app, { groupId: group.id });
    expect(requestsTo(receiver, "/alternating").map((request) => JSON.parse(request.body).order_id)).toEqual([first.id, first.id, second.id, second.id]);
  });

  // A success after a failure older than the clock is the group recovering, not failing too long.
  it("a success after a failure older than the clock is the group recovering: it stays enabled and its clock is cleared", async () => {
    const { eventId, group } = await createScopedGroup(app, receiver, "/gone-then-ok");

    // One failed delivery (410: no retries) starts the clock.
    const first = await createOrder(app, eventId);
    const [failedId] = await waitForDeliveryIds(app, { groupId: group.id, orderId: first.id });
    expect((await waitForDelivery(app, failedId!, isFinished)).status).toBe("GONE");
    await waitUntilSettled(app, { groupId: group.id });
    expect(await readGroup(app, group.id)).toMatchObject({ enabled: true });

    // Longer than the clock passes without any attempt; then the partner is healthy again.
    await ageFailureClock(group.id, 1_500);
    const second = await createOrder(app, eventId);
    const [okId] = await waitForDeliveryIds(app, { groupId: group.id, orderId: second.id });
    expect((await waitForDelivery(app, okId!, isFinished)).status).toBe("SUCCEEDED");
    await waitUntilSettled(app, { groupId: group.id });
    expect(await readGroup(app, group.id)).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    const { rows } = await sql<{ failing_since: Date | null }>`select failing_since from webhook_groups where id = ${group.id}`.execute(app.db);
    expect(rows[0]!.failing_since).toBeNull();
  });
});
