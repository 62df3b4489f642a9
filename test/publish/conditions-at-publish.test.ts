import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { waitUntilSettled } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createEvent, createGroup, createGroupMutation } from "../support/fixtures.js";
import { groupsSnapshot, requestsTo } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

// Hook conditions end to end: publish() delivers a change to a hook only when the hook's condition
// holds for the change's subject (the order with its event, or publishEvent's data); createWebhookGroup
// refuses a bad condition and answers the stored one.

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

const createOrder = async (eventId: string, total: number) =>
  (
    await graphqlData(app, `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, {
      input: { eventId, total, currency: "EUR" },
    })
  ).createOrder as { id: string };

/** The deliveries publish wrote for a hook: final once the change's mutation has answered. */
async function deliveriesOf(hookId: string) {
  const { rows } = await sql<{ event_id: string | null; order_id: string | null; type: string }>`
    select event_id, order_id, type from deliveries where hook_id = ${hookId} order by created_at, id`.execute(app.db);
  return rows;
}

/** Every request to `path` once the group's deliveries are all sent: nothing more can arrive. */
async function everyRequestTo(groupId: string, path: string) {
  await waitUntilSettled(app, { groupId });
  return requestsTo(receiver, path).map((request) => JSON.parse(request.body) as Record<string, any>);
}

describe("conditions, end to end", () => {
  it("delivers an order hook's matching orders only, and writes no delivery for the others", async () => {
    const { webhookGroup } = await createGroup(app, {
      name: "Big orders",
      hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}/big-orders`, condition: { total: { $gte: 100 } } }],
    });
    const hookId = webhookGroup.hooks[0].id as string;
    const event = await createEvent(app, { title: "Order fest" });
    const big = await createOrder(event.id, 150);
    const small = await createOrder(event.id, 50);

    expect(await deliveriesOf(hookId)).toEqual([{ event_id: event.id, order_id: big.id, type: "ORDER_CREATED" }]);
    const bodies = await everyRequestTo(webhookGroup.id, "/big-orders");
    expect(bodies.map((body) => body.order_id)).toEqual([big.id]);
    // The change that did not match was published all the same; only its delivery is missing.
    const { rows } = await sql<{ order_id: string; external: boolean; data: any; deliveries: string }>`
      select p.order_id, p.external, p.data, (select count(*) from deliveries d where d.publication_id = p.id) as deliveries
      from publications p where p.order_id = ${small.id}`.execute(app.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.external).toBe(false);
    expect(rows[0]!.data).toMatchObject({ id: small.id, total: 50, currency: "EUR", status: "OPEN", event: { id: event.id } });
  });

  it("stores the subject as the API shows the order, with its event", async () => {
    const event = await createEvent(app, { title: "Subject fest" });
    const order = await createOrder(event.id, 12.5);
    const shown = await graphqlData(
      app,
      `query ($id: ID!) { order(id: $id) { id hash status total currency createdAt updatedAt cancelledAt removedAt
          event { id title description startDate endDate status createdAt updatedAt removedAt eventGuide { id } } } }`,
      { id: order.id },
    );
    const { order: api } = shown as { order: Record<string, any> };
    const { rows } = await sql<{ data: any }>`select data from publications where order_id = ${order.id}`.execute(app.db);
    const { eventGuide, ...apiEvent } = api.event;
    expect(rows[0]!.data).toEqual({
      ...api,
      eventId: event.id,
      event: { ...apiEvent, eventGuideId: eventGuide?.id ?? null },
    });
  });

  it("delivers an event hook only for titles in the list", async () => {
    const { webhookGroup } = await createGroup(app, {
      name: "A or B",
      hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/a-or-b`, condition: { title: { $in: ["A", "B"] } } }],
    });
    const a = await createEvent(app, { title: "A" });
    await createEvent(app, { title: "C" });
    const b = await createEvent(app, { title: "B" });

    expect((await deliveriesOf(webhookGroup.hooks[0].id)).map((row) => row.event_id)).toEqual([a.id, b.id]);
    const bodies = await everyRequestTo(webhookGroup.id, "/a-or-b");
    expect(bodies.map((body) => body.event_id).sort()).toEqual([a.id, b.id].sort());
  });

  it("matches an order hook on its event's title, on every order change", async () => {
    const { webhookGroup } = await createGroup(app, {
      name: "Gala orders",
      hooks: [
        { type: "ORDER_CREATED", endpoint: `${receiver.url}/gala-created`, condition: { "event.title": "Gala" } },
        { type: "ORDER_CANCELLED", endpoint: `${receiver.url}/gala-cancelled`, condition: { "event.title": "Gala", status: "CANCELLED" } },
      ],
    });
    const gala = await createEvent(app, { title: "Gala" });
    const other = await createEvent(app, { title: "Not the gala" });
    const galaOrder = await createOrder(gala.id, 10);
    const otherOrder = await createOrder(other.id, 10);
    await graphqlData(app, `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: galaOrder.id });
    await graphqlData(app, `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: otherOrder.id });

    const [created, cancelled] = webhookGroup.hooks as Array<{ id: string }>;
    expect((await deliveriesOf(created!.id)).map((row) => row.order_id)).toEqual([galaOrder.id]);
    expect((await deliveriesOf(cancelled!.id)).map((row) => row.order_id)).toEqual([galaOrder.id]);
    expect((await everyRequestTo(webhookGroup.id, "/gala-created")).map((body) => body.order_id)).toEqual([galaOrder.id]);
    expect((await everyRequestTo(webhookGroup.id, "/gala-cancelled")).map((body) => body.order_id)).toEqual([galaOrder.id]);
  });

  it("evaluates publishEvent's data, and {} when it sends none", async () => {
    const { webhookGroup } = await createGroup(app, {
      name: "Seats left",
      hooks: [{ type: "EVENT_UPDATED", endpoint: `${receiver.url}/seats-left`, condition: { "seats.free": { $gt: 0 } } }],
    });
    const publish = async (data: unknown) => {
      const input: Record<string, unknown> = { type: "EVENT_UPDATED", eventId: randomUUID() };
      if (data !== undefined) input.data = data;
      const result = await graphqlData(
        app,
        `mutation ($input: PublishEventInput!) { publishEvent(input: $input) { publicationId deliveryCount } }`,
        { input },
      );
      return { eventId: input.eventId as string, ...(result.publishEvent as { publicationId: string; deliveryCount: number }) };
    };
    const free = await publish({ title: "Extern", seats: { total: 500, free: 12 } });
    const full = await publish({ title: "Extern", seats: { total: 500, free: 0 } });
    const none = await publish(undefined);
    expect([free.deliveryCount, full.deliveryCount, none.deliveryCount]).toEqual([1, 0, 0]);

    expect((await deliveriesOf(webhookGroup.hooks[0].id)).map((row) => row.event_id)).toEqual([free.eventId]);
    const bodies = await everyRequestTo(webhookGroup.id, "/seats-left");
    expect(bodies.map((body) => body.event_id)).toEqual([free.eventId]);
    const { rows } = await sql<{ external: boolean }>`
      select external from publications where id in (${free.publicationId}, ${none.publicationId})`.execute(app.db);
    expect(rows.map((row) => row.external)).toEqual([true, true]);
  });

  it("answers each hook's condition as stored: null for none and for {}", async () => {
    const condition = { $or: [{ total: { $gte: 100 } }, { "event.title": { $in: ["Summer Fest"] } }] };
    // Scoped to an event of its own, so no other test's order is sent to these partners.
    const event = await createEvent(app, { title: "Shown back fest" });
    const { webhookGroup } = await createGroup(app, {
      name: "Shown back",
      eventId: event.id,
      hooks: [
        { type: "ORDER_CREATED", endpoint: "https://partner.example/a", condition },
        { type: "ORDER_CREATED", endpoint: "https://partner.example/b", condition: {} },
        { type: "ORDER_CREATED", endpoint: "https://partner.example/c" },
        { type: "ORDER_CREATED", endpoint: "https://partner.example/d", condition: null },
      ],
    });
    const { webhookGroup: read } = await graphqlData<{ webhookGroup: { hooks: Array<{ endpoint: string; condition: unknown }> } }>(
      app,
      `query ($id: ID!) { webhookGroup(id: $id) { hooks { endpoint condition } } }`,
      { id: webhookGroup.id },
    );
    expect(read.hooks).toEqual([
      { endpoint: "https://partner.example/a", condition },
      { endpoint: "https://partner.example/b", condition: null },
      { endpoint: "https://partner.example/c", condition: null },
      { endpoint: "https://partner.example/d", condition: null },
    ]);
  });

  it("refuses a bad condition with BAD_USER_INPUT naming its position, and writes nothing", async () => {
    const before = await groupsSnapshot(app);
    const bad: Array<[unknown, string, RegExp]> = [
      [{ $or: [{ status: "OPEN" }, { total: { $between: [1, 2] } }] }, "input.hooks[1].condition.$or[1].total", /unknown operator \$between/],
      [{ "event title": "A" }, "input.hooks[1].condition", /not a path/],
      [[{ total: 1 }], "input.hooks[1].condition", /must be an object/],
      ["total >= 100", "input.hooks[1].condition", /must be an object/],
      [{ status: { $in: [] } }, "input.hooks[1].condition.status.$in", /non-empty list/],
    ];
    for (const [condition, field, words] of bad) {
      const result = await app.graphql(createGroupMutation, {
        input: {
          name: "Refused",
          hooks: [
            { type: "ORDER_CREATED", endpoint: "https://partner.example/ok", condition: { total: 1 } },
            { type: "ORDER_CREATED", endpoint: "https://partner.example/bad", condition },
          ],
        },
      });
      expectError(result, "BAD_USER_INPUT", field);
      expect(result.errors![0]!.message).toMatch(words);
    }
    expect(await groupsSnapshot(app)).toBe(before);
  });
});
