import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent, createOrder } from "../support/fixtures.js";
import { isFinished, sleep, waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { startReceiver, type Receiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { createFullGroup, deliveryCount, readGroup, receiverGroupInput, setEnabled, type Group } from "../support/group-helpers.js";

// A group whose every delivery attempt has failed for HOOKGATE_AUTO_DISABLE_AFTER is disabled;
// any success in between starts the clock afresh. Here the clock is 1 s and retries come every
// ~300 ms, so a delivery that keeps failing outlives the clock.

const app = useTestApp(
  { HOOKGATE_AUTO_DISABLE_AFTER: "1s", HOOKGATE_RETRY_SCHEDULE: "300ms,300ms,300ms,300ms,300ms,300ms" },
  { worker: true },
);
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  // Each group posts to its own path; the path decides the answer.
  const counters = new Map<string, number>();
  receiver.answerAlways((request) => {
    const seen = (counters.get(request.path) ?? 0) + 1;
    counters.set(request.path, seen);
    if (request.path === "/always-500") return { status: 500, body: "down" };
    // Alternates 500, 200, 500, 200, … per path.
    if (request.path === "/alternating") return { status: seen % 2 === 1 ? 500 : 200 };
    // Gone once, healthy afterwards.
    if (request.path === "/gone-then-ok") return { status: seen === 1 ? 410 : 200 };
    return { status: 200 };
  });
});
afterAll(async () => {
  await receiver.close();
});

/** A group scoped to an event of its own, so other tests' changes never reach it. */
async function scopedGroup(path: string) {
  const event = await createEvent(app, { title: `Event for ${path}` });
  const { webhookGroup } = await createFullGroup(app, receiverGroupInput(receiver, path, ["ORDER_CREATED"], { eventId: event.id }));
  return { eventId: event.id, group: webhookGroup };
}

const requestsTo = (path: string) => receiver.requests.filter((request) => request.path === path);

describe("auto-disable after HOOKGATE_AUTO_DISABLE_AFTER of failures", () => {
  it("a group whose partner always answers 500 is disabled, with the reason, and then gets no new deliveries", async () => {
    const { eventId, group } = await scopedGroup("/always-500");

    // Keep changes coming until hookgate gives up on the group (it must, within a few seconds).
    const startedAt = Date.now();
    let disabled: Group | null = null;
    while (Date.now() - startedAt < 15_000) {
      const current = (await readGroup(app, group.id))!;
      if (!current.enabled) {
        disabled = current;
        break;
      }
      await createOrder(app, eventId);
      await sleep(400);
    }
    expect(disabled, "the group was still enabled after 15 s of failures").not.toBeNull();
    expect(disabled!.disabledAt).toEqual(expect.any(String));
    expect(Date.parse(disabled!.disabledAt!)).toBeGreaterThanOrEqual(startedAt - 1_000);
    expect(disabled!.disabledReason).toContain("HOOKGATE_AUTO_DISABLE_AFTER");
    // Failing for 1 s at least: the clock was honoured, not a first failure disabling at once.
    const failures = requestsTo("/always-500");
    expect(failures.length).toBeGreaterThan(1);
    expect(Date.parse(disabled!.disabledAt!) - failures[0]!.receivedAt).toBeGreaterThanOrEqual(900);

    // New changes create no delivery for it.
    const count = await deliveryCount(app, group.id);
    const order = await createOrder(app, eventId);
    expect(await deliveryCount(app, group.id)).toBe(count);
    await sleep(1_000);
    expect(await deliveryCount(app, group.id)).toBe(count);
    expect(requestsTo("/always-500").some((request) => request.body.includes(order.id))).toBe(false);

    // Switching it back on by hand takes deliveries again.
    const enabled = await setEnabled(app, group.id, true);
    expect(enabled.data?.setWebhookGroupEnabled).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    const next = await createOrder(app, eventId);
    expect(await waitForDeliveryIds(app, { groupId: group.id, orderId: next.id })).toHaveLength(1);
  });

  it("a group whose deliveries succeed in between (partner alternates 500/200) stays enabled", async () => {
    const { eventId, group } = await scopedGroup("/alternating");

    // Changes over ~4 s: four times the clock, with failures all along.
    const orders: string[] = [];
    const startedAt = Date.now();
    while (Date.now() - startedAt < 4_000) {
      orders.push((await createOrder(app, eventId)).id);
      await sleep(200);
    }
    // Every change made a delivery: the group was never disabled while they were made.
    expect(await deliveryCount(app, group.id)).toBe(orders.length);

    const ids = await waitForDeliveryIds(app, { groupId: group.id }, orders.length);
    for (const id of ids) expect((await waitForDelivery(app, id, isFinished)).status).toBe("SUCCEEDED");
    const after = (await readGroup(app, group.id))!;
    expect(after).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });

    // The test can fail: the partner failed again and again over far longer than the clock, so a
    // clock that successes did not reset would have disabled the group.
    const answered500 = requestsTo("/alternating").filter((_, index) => index % 2 === 0);
    expect(answered500.length).toBeGreaterThanOrEqual(8);
    expect(answered500.at(-1)!.receivedAt - answered500[0]!.receivedAt).toBeGreaterThan(2_500);
  });

  describe("a success after a failure older than the clock", () => {
    let groupId = "";

    it("(setup) one GONE delivery starts the clock; longer than the clock later, a delivery succeeds", async () => {
      const { eventId, group } = await scopedGroup("/gone-then-ok");
      groupId = group.id;

      // One failed delivery (410: no retries) starts the clock.
      const first = await createOrder(app, eventId);
      const [failedId] = await waitForDeliveryIds(app, { groupId, orderId: first.id });
      expect((await waitForDelivery(app, failedId!, isFinished)).status).toBe("GONE");
      expect(await readGroup(app, groupId)).toMatchObject({ enabled: true });

      // Longer than the clock passes without any attempt; then the partner is healthy again.
      await sleep(1_500);
      const second = await createOrder(app, eventId);
      const [okId] = await waitForDeliveryIds(app, { groupId, orderId: second.id });
      expect((await waitForDelivery(app, okId!, isFinished)).status).toBe("SUCCEEDED");
    });

    // A success after a failure older than the clock is the group recovering, not failing too long.
    it("resets the clock and leaves the group enabled", async () => {
      expect(await readGroup(app, groupId)).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    });
  });
});
