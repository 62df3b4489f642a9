import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { requestsAbout } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createGroup, createViewerKey, publishEvent, publishEventMutation } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { count } from "../support/row-count.js";
import { useTestApp } from "../support/test-app.js";

// schema/delivery.graphql, publishEvent: a happening reported by an external platform, fanned out
// like the built-in source's own, or refused whole. (Idempotency keys: publish-event-idempotency.)
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
let other: { id: string; adminKey: string };

beforeAll(async () => {
  // Two groups of the Default organization hear EVENT_CREATED; another organization's group too.
  await createGroup(app, {
    name: "A",
    hooks: [
      { type: "EVENT_CREATED", endpoint: `${receiver.url}/a/event-created` },
      { type: "ORDER_CREATED", endpoint: `${receiver.url}/a/order-created` },
    ],
  });
  await createGroup(app, {
    name: "B",
    hooks: [
      { type: "EVENT_CREATED", endpoint: `${receiver.url}/b/event-created` },
      { type: "EVENT_UPDATED", endpoint: `${receiver.url}/b/event-updated` },
    ],
  });
  other = await app.createOrganization("Other platform");
  await createGroup(
    app,
    { name: "Other", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/other/event-created` }] },
    other.adminKey,
  );
});

describe("publishEvent", () => {
  it("fans out to the matching hooks with data and occurredAt in the default payload", async () => {
    const eventId = randomUUID();
    const data = { title: "Extern Fest", tags: ["music", "outdoor"], seats: { total: 500, free: 12 }, note: null };
    const published = await publishEvent(app, {
      type: "EVENT_CREATED",
      eventId,
      occurredAt: "2026-03-04T05:06:07.890Z",
      data,
      idempotencyKey: `first-${eventId}`,
    });
    expect(published).toEqual({ publicationId: expect.any(String), deliveryCount: 2, duplicate: false });

    const requests = await requestsAbout(app, receiver, eventId);
    expect(requests.map((request) => request.path).sort()).toEqual(["/a/event-created", "/b/event-created"]);
    for (const request of requests) {
      expect(JSON.parse(request.body)).toEqual({
        type: "event_created",
        occurred_at: "2026-03-04T05:06:07.890Z",
        organization_id: app.defaultOrganizationId,
        event_id: eventId,
        delivery_id: request.headers["webhook-id"],
        data,
      });
    }
    const { rows } = await sql<{ publication_id: string }>`
      select distinct publication_id from deliveries where event_id = ${eventId}`.execute(app.db);
    expect(rows).toEqual([{ publication_id: published.publicationId }]);
  });

  it("defaults occurredAt to now and carries order and guide ids on order types", async () => {
    const [eventId, orderId, eventGuideId] = [randomUUID(), randomUUID(), randomUUID()];
    const before = Date.now();
    const published = await publishEvent(app, { type: "ORDER_CREATED", eventId, orderId, eventGuideId });
    expect(published).toMatchObject({ deliveryCount: 1, duplicate: false });
    const requests = await requestsAbout(app, receiver, eventId);
    expect(requests.map((request) => request.path)).toEqual(["/a/order-created"]);
    const [request] = requests;
    const body = JSON.parse(request!.body);
    expect(body).toEqual({
      type: "order_created",
      occurred_at: expect.any(String),
      organization_id: app.defaultOrganizationId,
      event_id: eventId,
      order_id: orderId,
      event_guide_id: eventGuideId,
      delivery_id: request!.headers["webhook-id"],
    });
    expect(Date.parse(body.occurred_at)).toBeGreaterThanOrEqual(before - 5_000);
    expect(Date.parse(body.occurred_at)).toBeLessThanOrEqual(Date.now() + 5_000);
  });
});

describe("publishEvent refuses bad input and writes nothing", () => {
  const eventId = randomUUID();
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["a missing eventId", { type: "EVENT_CREATED" }, "input.eventId"],
    ["an orderId on an event type", { type: "EVENT_UPDATED", eventId, orderId: randomUUID() }, "input.orderId"],
    ["a missing orderId on an order type", { type: "ORDER_CANCELLED", eventId }, "input.orderId"],
    ["a non-UUID eventId", { type: "EVENT_CREATED", eventId: "event-42" }, "input.eventId"],
    ["a non-UUID orderId", { type: "ORDER_CREATED", eventId, orderId: "order-42" }, "input.orderId"],
    ["a non-UUID eventGuideId", { type: "EVENT_CREATED", eventId, eventGuideId: "guide-42" }, "input.eventGuideId"],
    ["a bad occurredAt", { type: "EVENT_CREATED", eventId, occurredAt: "yesterday at noon" }, "input.occurredAt"],
    ["data over 64 KiB", { type: "EVENT_CREATED", eventId, data: { blob: "x".repeat(65 * 1024) } }, "input.data"],
    ["an empty idempotencyKey", { type: "EVENT_CREATED", eventId, idempotencyKey: "" }, "input.idempotencyKey"],
    ["an over-long idempotencyKey", { type: "EVENT_CREATED", eventId, idempotencyKey: "k".repeat(201) }, "input.idempotencyKey"],
  ];

  const written = async () => ({
    publications: await count(app.db, sql<{ n: string }>`select count(*) as n from publications`),
    keys: await count(app.db, sql<{ n: string }>`select count(*) as n from publication_keys`),
    deliveries: await count(app.db, sql<{ n: string }>`select count(*) as n from deliveries`),
  });

  it.each(cases)("refuses %s with BAD_USER_INPUT naming the field", async (_, input, field) => {
    const before = await written();
    const result = await app.graphql(publishEventMutation, {
      input: { ...input, idempotencyKey: input.idempotencyKey ?? `refused-${randomUUID()}` },
    });
    expectError(result, "BAD_USER_INPUT", field);
    expect(await written()).toEqual(before);
  });

  // "\u0000" is valid JSON but PostgreSQL's jsonb cannot hold it.
  it("refuses data holding a NUL character with BAD_USER_INPUT naming the string's path", async () => {
    const before = await written();
    const result = await app.graphql(publishEventMutation, {
      input: { type: "EVENT_CREATED", eventId: randomUUID(), data: { note: "before\u0000after" } },
    });
    expect(await written()).toEqual(before);
    expectError(result, "BAD_USER_INPUT", "input.data.note");
  });

  it("refuses a VIEWER key with FORBIDDEN and no key with UNAUTHENTICATED", async () => {
    const viewerKey = await createViewerKey(app);
    const before = await written();
    const input = { type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: `auth-${randomUUID()}` };

    expectError(await app.graphql(publishEventMutation, { input }, { key: viewerKey }), "FORBIDDEN");
    expectError(await app.graphql(publishEventMutation, { input }, {}), "UNAUTHENTICATED");

    expect(await written()).toEqual(before);
    expect(await requestsAbout(app, receiver, input.eventId)).toEqual([]);
  });
});
