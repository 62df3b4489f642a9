import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { freePort } from "../support/free-port.js";
import { waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { createEvent, createGroup, createOrder, groupInput, publishEvent } from "../support/fixtures.js";
import { startReceiver } from "../support/receiver.js";
import { useForTests } from "../support/use-for-tests.js";
import { useTestApp } from "../support/test-app.js";

// One worker with 12 slots, at most 3 for any one endpoint.
const app = useTestApp(
  { HOOKGATE_WORKER_CONCURRENCY: "12", HOOKGATE_ENDPOINT_CONCURRENCY: "3", HOOKGATE_DELIVERY_TIMEOUT: "20s" },
  { worker: true },
);
let release = () => {};
const hanging = useForTests(startReceiver, (receiver) => (release(), receiver.close()));
const slow = useForTests(startReceiver, (receiver) => receiver.close());
const healthy = useForTests(startReceiver, (receiver) => receiver.close());
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
  const never = new Promise((resolve) => (release = () => resolve(undefined)));
  hanging.answerAlways({ until: never });
  slow.answerAlways({ delayMs: 2_000 });
});

async function groupFor(type: string, url: string) {
  const input = groupInput({ hooks: [{ type, endpoint: `${url}/hooks` }], authentication: null });
  return (await createGroup(app, input)).webhookGroup.id as string;
}

describe("fairness between endpoints", () => {
  it("delivers to a healthy endpoint at once while a hanging and a slow one have dozens queued", async () => {
    await groupFor("EVENT_CREATED", hanging.url);
    await groupFor("EVENT_REMOVED", slow.url);
    const healthyGroup = await groupFor("EVENT_UPDATED", healthy.url);
    for (let i = 0; i < 30; i++) {
      await publishEvent(app, { type: "EVENT_CREATED", eventId });
      await publishEvent(app, { type: "EVENT_REMOVED", eventId });
    }
    await hanging.waitFor(3);
    await slow.waitFor(3);

    const publishedAt = Date.now();
    await publishEvent(app, { type: "EVENT_UPDATED", eventId });
    const [request] = await healthy.waitFor(1, 10_000);
    // Far sooner than any hanging request could have ended (20 s) and freed a slot.
    expect(request!.receivedAt - publishedAt).toBeLessThan(5_000);
    const [id] = await waitForDeliveryIds(app, { groupId: healthyGroup }, 1);
    expect((await waitForDelivery(app, id!, (delivery) => delivery.status === "SUCCEEDED")).attemptCount).toBe(1);

    // The hanging endpoint never held more than its share, and the slow one is served at its pace.
    expect(hanging.requests).toHaveLength(3);
    await slow.waitFor(9, 15_000);
  });

  it("stops trying an endpoint that keeps refusing connections: the rest wait for its circuit, their attempts unused", async () => {
    const groupId = await groupFor("ORDER_CREATED", `http://127.0.0.1:${await freePort()}`);
    for (let i = 0; i < 15; i++) await createOrder(app, eventId);
    const deliveries = async () =>
      (
        await sql<{ attempt_count: number; next_attempt_at: Date | null }>`
          select attempt_count, next_attempt_at from deliveries where webhook_group_id = ${groupId}`.execute(app.db)
      ).rows;
    const waiting = (rows: Awaited<ReturnType<typeof deliveries>>) =>
      rows.filter((row) => row.attempt_count === 0 && row.next_attempt_at! > new Date(Date.now() + 20_000));
    await eventually(deliveries, (rows) => rows.length === 15 && waiting(rows).length > 0, {
      what: "deliveries waiting for the circuit",
    });
    const rows = await deliveries();
    const attempts = rows.reduce((sum, row) => sum + row.attempt_count, 0);
    // The circuit opened after 5 attempts in a row went unanswered; those in flight then end too.
    expect(attempts).toBeGreaterThanOrEqual(5);
    expect(attempts).toBeLessThanOrEqual(5 + 3);
  });
});
