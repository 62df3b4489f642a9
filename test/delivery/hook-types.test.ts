import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { isFinished, waitForDelivery, waitUntilSettled } from "../support/delivery-log.js";
import { createEvent, createEventGuide, createGroup, createOrder, seedOriginBodies } from "../support/fixtures.js";
import { startReceiver, type ReceivedRequest, type Receiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

// DESIGN.md, "Data flow" and "Delivery details": every change of the built-in source reaches the
// hooks of its type, once, with the default payload or the answer of the hook's origin query.
const app = useTestApp({}, { worker: true });

const hookTypes = [
  "EVENT_CREATED",
  "EVENT_UPDATED",
  "EVENT_REMOVED",
  "ORDER_CREATED",
  "ORDER_UPDATED",
  "ORDER_CANCELLED",
  "ORDER_REMOVED",
] as const;

const receivers: Receiver[] = [];
const groups: string[] = [];

async function newReceiver(): Promise<Receiver> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  return receiver;
}

// Each test leaves no live group behind, so the next one only hears its own hooks.
afterEach(async () => {
  for (const id of groups.splice(0)) {
    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id });
  }
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function group(hooks: Array<Record<string, unknown>>) {
  const { webhookGroup } = await createGroup(app, { name: "Hook types", hooks });
  groups.push(webhookGroup.id);
  return webhookGroup;
}

const mutate = (mutation: string, variables: Record<string, unknown>) => graphqlData(app, mutation, variables);

const updateEvent = (id: string, input: Record<string, unknown>) =>
  mutate(`mutation ($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id title status } }`, {
    id,
    input,
  });
const removeEvent = (id: string) => mutate(`mutation ($id: ID!) { removeEvent(id: $id) { id status } }`, { id });
const updateOrder = (id: string, input: Record<string, unknown>) =>
  mutate(`mutation ($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { id status } }`, {
    id,
    input,
  });
const cancelOrder = (id: string) => mutate(`mutation ($id: ID!) { cancelOrder(id: $id) { id status } }`, { id });
const removeOrder = (id: string) => mutate(`mutation ($id: ID!) { removeOrder(id: $id) { id status } }`, { id });

/** The receiver's requests once the group's deliveries are all sent (nothing more can arrive): exactly `count`. */
async function exactly(receiver: Receiver, groupId: string, count: number): Promise<ReceivedRequest[]> {
  await waitUntilSettled(app, { groupId });
  expect(receiver.requests.map((request) => request.path)).toHaveLength(count);
  return receiver.requests.slice();
}

function byPath(requests: ReceivedRequest[], path: string): ReceivedRequest {
  const found = requests.filter((request) => request.path === path);
  expect(found.map((request) => request.path), `requests to ${path}`).toEqual([path]);
  return found[0]!;
}

const finished = (id: string) => waitForDelivery(app, id, isFinished);

describe("each hook type, end to end", () => {
  it("delivers one request per change with the default payload of its type", async () => {
    const receiver = await newReceiver();
    const { id: groupId } = await group(hookTypes.map((type) => ({ type, endpoint: `${receiver.url}/${type.toLowerCase()}` })));
    const guide = await createEventGuide(app, "Guide for hook types");
    const startedAt = Date.now();

    const event = await createEvent(app, { title: "Seven", eventGuideId: guide.id });
    await updateEvent(event.id, { title: "Seven, renamed" });
    const order = await createOrder(app, event.id);
    await updateOrder(order.id, { total: 99.5 });
    await cancelOrder(order.id);
    await removeOrder(order.id);
    await removeEvent(event.id);
    // And an event without a guide: its payloads carry no event_guide_id at all.
    const loose = await createEvent(app, { title: "No guide" });
    const looseOrder = await createOrder(app, loose.id);

    const requests = await exactly(receiver, groupId, 9);
    const finishedAt = Date.now();
    for (const request of requests) {
      const body = JSON.parse(request.body);
      expect(request.method).toBe("POST");
      expect(request.path).toBe(`/${body.type}`);
      // delivery_id is the webhook-id header: what partners deduplicate on.
      expect(body.delivery_id).toBe(request.headers["webhook-id"]);
      const occurredAt = Date.parse(body.occurred_at);
      expect(new Date(occurredAt).toISOString()).toBe(body.occurred_at);
      expect(occurredAt).toBeGreaterThanOrEqual(startedAt - 5_000);
      expect(occurredAt).toBeLessThanOrEqual(finishedAt + 5_000);
    }

    const payloadOf = (type: string, eventId: string) => {
      const found = requests.map((r) => JSON.parse(r.body)).filter((b) => b.type === type && b.event_id === eventId);
      expect(found, `${type} for ${eventId}`).toHaveLength(1);
      return found[0];
    };
    const organization_id = app.defaultOrganizationId;
    for (const type of ["event_created", "event_updated", "event_removed"]) {
      expect(payloadOf(type, event.id)).toEqual({
        type,
        occurred_at: expect.any(String),
        organization_id,
        event_id: event.id,
        event_guide_id: guide.id,
        delivery_id: expect.any(String),
      });
    }
    for (const type of ["order_created", "order_updated", "order_cancelled", "order_removed"]) {
      expect(payloadOf(type, event.id)).toEqual({
        type,
        occurred_at: expect.any(String),
        organization_id,
        event_id: event.id,
        order_id: order.id,
        event_guide_id: guide.id,
        delivery_id: expect.any(String),
      });
    }
    expect(payloadOf("event_created", loose.id)).toEqual({
      type: "event_created",
      occurred_at: expect.any(String),
      organization_id,
      event_id: loose.id,
      delivery_id: expect.any(String),
    });
    expect(payloadOf("order_created", loose.id)).toEqual({
      type: "order_created",
      occurred_at: expect.any(String),
      organization_id,
      event_id: loose.id,
      order_id: looseOrder.id,
      delivery_id: expect.any(String),
    });

    // Every delivery id is distinct, and each is in the log as succeeded with its exact body.
    const ids = requests.map((request) => request.headers["webhook-id"] as string);
    expect(new Set(ids).size).toBe(9);
    const log = await finished(ids[0]!);
    expect(log).toMatchObject({ status: "SUCCEEDED", payload: requests[0]!.body, payloadErrors: null });
  });
});

describe("the doo seed's origin queries", () => {
  it("answer EventShort, OrderShort, the anonymous $eventId query and the dates one, also for removed objects", async () => {
    const receiver = await newReceiver();
    const { id: groupId } = await group([
      { type: "EVENT_CREATED", endpoint: `${receiver.url}/event-short`, origin: { body: seedOriginBodies.eventShort } },
      { type: "EVENT_UPDATED", endpoint: `${receiver.url}/anonymous`, origin: { body: seedOriginBodies.anonymousEvent } },
      { type: "ORDER_CREATED", endpoint: `${receiver.url}/order-short`, origin: { body: seedOriginBodies.orderShort } },
      { type: "ORDER_CANCELLED", endpoint: `${receiver.url}/cancelled`, origin: { body: seedOriginBodies.anonymousEvent } },
      { type: "ORDER_REMOVED", endpoint: `${receiver.url}/removed-order`, origin: { body: seedOriginBodies.orderShort } },
      { type: "EVENT_REMOVED", endpoint: `${receiver.url}/removed-event`, origin: { body: seedOriginBodies.eventDates } },
    ]);

    // One change at a time: a payload is built when its delivery is first attempted, so waiting
    // keeps each payload tied to the state right after its change.
    const event = await createEvent(app, {
      title: "Seed Fest",
      startDate: "2027-06-01T18:00:00Z",
      endDate: "2027-06-02T02:00:00Z",
    });
    await receiver.waitFor(1);
    await updateEvent(event.id, { title: "Seed Fest II" });
    await receiver.waitFor(2);
    const order = await createOrder(app, event.id);
    await receiver.waitFor(3);
    await cancelOrder(order.id);
    await receiver.waitFor(4);
    await removeOrder(order.id);
    await receiver.waitFor(5);
    await removeEvent(event.id);
    const requests = await exactly(receiver, groupId, 6);

    const body = (path: string) => JSON.parse(byPath(requests, path).body);
    expect(body("/event-short")).toEqual({ data: { event: { title: "Seed Fest" } } });
    expect(body("/anonymous")).toEqual({ data: { event: { id: event.id, title: "Seed Fest II" } } });
    expect(body("/order-short")).toEqual({ data: { order: { hash: order.hash } } });
    expect(body("/cancelled")).toEqual({ data: { event: { id: event.id, title: "Seed Fest II" } } });
    // *_removed hooks still resolve the removed object (soft delete).
    expect(body("/removed-order")).toEqual({ data: { order: { hash: order.hash } } });
    const removed = body("/removed-event");
    expect(removed).toEqual({ data: { event: { title: "Seed Fest II", startDate: expect.any(String), endDate: expect.any(String) } } });
    expect(new Date(removed.data.event.startDate).toISOString()).toBe("2027-06-01T18:00:00.000Z");
    expect(new Date(removed.data.event.endDate).toISOString()).toBe("2027-06-02T02:00:00.000Z");
  });
});

describe("an origin answer with GraphQL errors", () => {
  it("is delivered as returned, noted on the attempt and shown in payloadErrors", async () => {
    const receiver = await newReceiver();
    // Valid against the schema (so creation accepts it), but `first: 500` is refused when it runs.
    const failing = JSON.stringify({
      variables: { id: "%EVENT_ID%" },
      query: "query ($id: ID!) { event(id: $id) { title orders(first: 500) { totalCount } } }",
    });
    // An order looked up by an event's id: no such order, answered as null (not an error).
    const wrongId = JSON.stringify({ query: `{ order(id: "%EVENT_ID%") { hash } }` });
    const { id: groupId } = await group([
      { type: "EVENT_CREATED", endpoint: `${receiver.url}/errors`, origin: { body: failing } },
      { type: "ORDER_CREATED", endpoint: `${receiver.url}/wrong-id`, origin: { body: wrongId } },
    ]);

    const event = await createEvent(app, { title: "Errors" });
    await receiver.waitFor(1);
    await createOrder(app, event.id);
    const requests = await exactly(receiver, groupId, 2);

    const request = byPath(requests, "/errors");
    const body = JSON.parse(request.body);
    expect(body.data).toEqual({ event: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ["event", "orders"], extensions: { code: "BAD_USER_INPUT" } });
    expect(body.errors[0].message).toMatch(/first/);

    const log = await finished(request.headers["webhook-id"] as string);
    expect(log.status).toBe("SUCCEEDED");
    expect(log.payload).toBe(request.body);
    expect(log.payloadErrors).toEqual([expect.objectContaining({ message: body.errors[0].message })]);
    expect(log.attempts).toHaveLength(1);
    expect(log.attempts[0]).toMatchObject({ number: 1, responseStatus: 200, error: null });
    expect(log.attempts[0]!.note).toContain(body.errors[0].message);

    const wrong = byPath(requests, "/wrong-id");
    expect(JSON.parse(wrong.body)).toEqual({ data: { order: null } });
    const wrongLog = await finished(wrong.headers["webhook-id"] as string);
    expect(wrongLog).toMatchObject({ status: "SUCCEEDED", payloadErrors: null });
    expect(wrongLog.attempts[0]!.note).toBeNull();
  });
});

describe("a change that changes nothing", () => {
  it("delivers nothing: empty updateEvent, cancelling a cancelled order, removing removed objects", async () => {
    const receiver = await newReceiver();
    const { id: groupId } = await group(hookTypes.map((type) => ({ type, endpoint: `${receiver.url}/${type.toLowerCase()}` })));

    const event = await createEvent(app, { title: "Idle" });
    const order = await createOrder(app, event.id);
    await cancelOrder(order.id);
    await receiver.waitFor(3);
    const publications = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from publications`.execute(app.db)).rows[0]!.n);
    const before = await publications();

    await updateEvent(event.id, {});
    await cancelOrder(order.id);
    await removeOrder(order.id);
    await removeOrder(order.id);
    await removeEvent(event.id);
    await removeEvent(event.id);

    // The real changes: create event, create order, cancel, remove order, remove event.
    const requests = await exactly(receiver, groupId, 5);
    expect(requests.map((request) => request.path).sort()).toEqual(
      ["/event_created", "/event_removed", "/order_cancelled", "/order_created", "/order_removed"].sort(),
    );
    expect(await publications()).toBe(before + 2);
    const { rows } = await sql<{ n: string }>`select count(*) as n from deliveries where webhook_group_id = ${groupId}`.execute(app.db);
    expect(Number(rows[0]!.n)).toBe(5);
  });
});
