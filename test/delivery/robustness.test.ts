import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { isFinished, waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { createEvent, createGroup, createOrder, groupInput } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// What a partner, an operator or a migration can throw at a running worker must end in the log,
// never in a delivery stuck as pending.
const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "200ms,200ms,200ms,200ms,200ms" }, { worker: true });
const receiver = useReceiver();
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
});

async function orderDelivery(groupId: string) {
  const order = await createOrder(app, eventId);
  const [id] = await waitForDeliveryIds(app, { groupId, orderId: order.id }, 1);
  return id!;
}

async function newGroup(path: string) {
  const { webhookGroup } = await createGroup(
    app,
    groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}${path}` }], authentication: null }),
  );
  return webhookGroup.id as string;
}

describe("a running worker", () => {
  it("records an answer holding a NUL character instead of failing to store it", async () => {
    const groupId = await newGroup("/nul");
    receiver.answerAlways((request) => (request.path === "/nul" ? { status: 200, body: "ok\u0000done" } : { status: 200 }));
    const delivery = await waitForDelivery(app, await orderDelivery(groupId), isFinished);
    expect(delivery.status).toBe("SUCCEEDED");
    expect(delivery.attempts[0]?.responseBody).toBe("ok\uFFFDdone");
  });

  it("stops a disabled group's queued retries, and says so in the log", async () => {
    const groupId = await newGroup("/down");
    receiver.answerAlways((request) => (request.path === "/down" ? { status: 500 } : { status: 200 }));
    const id = await orderDelivery(groupId);
    await waitForDelivery(app, id, (delivery) => delivery.attemptCount >= 1);
    await app.graphql(`mutation ($id: ID!) { setWebhookGroupEnabled(id: $id, enabled: false) { enabled } }`, { id: groupId });
    const delivery = await waitForDelivery(app, id, isFinished);
    expect(delivery.status).toBe("FAILED");
    expect(delivery.attempts.at(-1)?.error).toBe("not sent: the webhook group was disabled");
  });

  it("keeps delivering after a migration changes the deliveries table under its prepared statements", async () => {
    const groupId = await newGroup("/migrated");
    receiver.answerAlways({ status: 200 });
    expect((await waitForDelivery(app, await orderDelivery(groupId), isFinished)).status).toBe("SUCCEEDED");
    await sql`alter table deliveries add column added_by_a_later_migration int`.execute(app.db);
    try {
      expect((await waitForDelivery(app, await orderDelivery(groupId), isFinished)).status).toBe("SUCCEEDED");
    } finally {
      await sql`alter table deliveries drop column added_by_a_later_migration`.execute(app.db);
    }
  });

  it("refuses publishEvent data PostgreSQL cannot hold, naming the string", async () => {
    const result = await app.graphql(
      `mutation ($input: PublishEventInput!) { publishEvent(input: $input) { publicationId } }`,
      { input: { type: "EVENT_CREATED", eventId, data: { list: ["fine", "half \ud800 pair"] } } },
    );
    expect(result.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.data.list[1]" });
    const accepted = await app.graphql(
      `mutation ($input: PublishEventInput!) { publishEvent(input: $input) { publicationId } }`,
      { input: { type: "EVENT_CREATED", eventId, data: { path: "C:\\u0000x" } } },
    );
    expect(accepted.errors).toBeUndefined();
  });
});
