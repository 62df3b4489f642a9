import { describe, expect, it } from "vitest";
import { createEvent, createEventGuide, createOrder } from "../support/fixtures.js";
import { createFullGroup, readGroup, receiverGroupInput, waitForPath } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// Duro's "include all data": the default payload carries the event or order under `data`, as the
// GraphQL API shows it.

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

const eventFields = "id title description startDate endDate status eventGuide { id } createdAt updatedAt removedAt";

async function apiEvent(id: string) {
  const result = await app.graphql(`query ($id: ID!) { event(id: $id) { ${eventFields} } }`, { id });
  const event = result.data!.event as Record<string, unknown> & { eventGuide: { id: string } | null };
  const { eventGuide, ...rest } = event;
  // The API's Event, with its guide as an id (as a condition would address it).
  return { ...rest, eventGuideId: eventGuide?.id ?? null };
}

async function apiOrder(id: string) {
  const result = await app.graphql(
    `query ($id: ID!) { order(id: $id) { id hash status total currency createdAt updatedAt cancelledAt removedAt event { id } } }`,
    { id },
  );
  const { event, ...order } = result.data!.order as Record<string, unknown> & { event: { id: string } };
  return { ...order, eventId: event.id, event: await apiEvent(event.id) };
}

describe("includeData", () => {
  it("a group with includeData gets the order and the event under data; one without gets no data key", async () => {
    const withData = await createFullGroup(
      app,
      receiverGroupInput(receiver, "/with-data", ["EVENT_CREATED", "ORDER_CREATED"], { includeData: true }),
    );
    const without = await createFullGroup(app, receiverGroupInput(receiver, "/without-data", ["EVENT_CREATED", "ORDER_CREATED"]));
    expect(withData.webhookGroup.includeData).toBe(true);
    expect(without.webhookGroup.includeData).toBe(false);
    expect((await readGroup(app, withData.webhookGroup.id))!.includeData).toBe(true);

    const guide = await createEventGuide(app, "Data guide");
    const event = await createEvent(app, { title: "Data fest", description: "With everything", eventGuideId: guide.id });
    const [eventWith] = await waitForPath(receiver, "/with-data", 1);
    const [eventWithout] = await waitForPath(receiver, "/without-data", 1);

    const expectedEvent = await apiEvent(event.id);
    const eventPayload = JSON.parse(eventWith!.body);
    expect(eventPayload).toMatchObject({ type: "event_created", event_id: event.id });
    expect(eventPayload.data).toEqual(expectedEvent);
    expect(eventPayload.data).toMatchObject({ id: event.id, title: "Data fest", status: "ACTIVE", eventGuideId: guide.id });
    const plainEvent = JSON.parse(eventWithout!.body);
    expect(plainEvent).toMatchObject({ type: "event_created", event_id: event.id });
    expect(plainEvent).not.toHaveProperty("data");

    const order = await createOrder(app, event.id);
    const orderWith = (await waitForPath(receiver, "/with-data", 2))[1]!;
    const orderWithout = (await waitForPath(receiver, "/without-data", 2))[1]!;
    const orderPayload = JSON.parse(orderWith.body);
    expect(orderPayload).toMatchObject({ type: "order_created", order_id: order.id });
    expect(orderPayload.data).toEqual(await apiOrder(order.id));
    expect(orderPayload.data).toMatchObject({
      id: order.id,
      hash: order.hash,
      status: "OPEN",
      total: 42.5,
      currency: "EUR",
      eventId: event.id,
      event: { id: event.id, title: "Data fest" },
    });
    expect(typeof orderPayload.data.total).toBe("number");
    const plainOrder = JSON.parse(orderWithout.body);
    expect(plainOrder).toMatchObject({ type: "order_created", order_id: order.id });
    expect(plainOrder).not.toHaveProperty("data");
  });

  it("data is the object as it was when it changed: a cancelled order shows CANCELLED", async () => {
    await createFullGroup(app, receiverGroupInput(receiver, "/cancelled", ["ORDER_CANCELLED"], { includeData: true }));
    const event = await createEvent(app, { title: "Cancel fest" });
    const order = await createOrder(app, event.id);
    const cancelled = await app.graphql(`mutation ($id: ID!) { cancelOrder(id: $id) { id status } }`, { id: order.id });
    expect(cancelled.data?.cancelOrder).toMatchObject({ status: "CANCELLED" });
    const [request] = await waitForPath(receiver, "/cancelled", 1);
    const payload = JSON.parse(request!.body);
    expect(payload.data).toEqual(await apiOrder(order.id));
    expect(payload.data).toMatchObject({ status: "CANCELLED", cancelledAt: expect.any(String) });
  });

  it("includeData false given explicitly is the same as leaving it out", async () => {
    const created = await createFullGroup(app, receiverGroupInput(receiver, "/explicit-false", ["EVENT_CREATED"], { includeData: false }));
    expect(created.webhookGroup.includeData).toBe(false);
    await createEvent(app, { title: "Explicit fest" });
    const [request] = await waitForPath(receiver, "/explicit-false", 1);
    expect(JSON.parse(request!.body)).not.toHaveProperty("data");
  });
});
