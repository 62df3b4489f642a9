import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useCleanup } from "../support/cleanup.js";
import { waitUntilSettled } from "../support/delivery-log.js";
import { createEvent, createEventGuide, createGroup, createOrder, createViewerKey, seedOriginBodies } from "../support/fixtures.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { startReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

const app = useTestApp({}, { worker: true });

const closeAfterTest = useCleanup();

const previewQuery = `query ($input: PreviewHookPayloadInput!) { previewHookPayload(input: $input) { payload body errors } }`;

interface Preview {
  payload: unknown;
  body: string | null;
  errors: string[];
}

async function preview(input: Record<string, unknown>, key: string): Promise<Preview> {
  const result = await app.graphql(previewQuery, { input }, { key });
  if (!result.data?.previewHookPayload) throw new Error(`previewHookPayload failed: ${JSON.stringify(result.errors)}`);
  return result.data.previewHookPayload as Preview;
}

const mutate = (key: string, mutation: string, variables: Record<string, unknown>) => graphqlData(app, mutation, variables, key);

/** A fresh organization with a receiver and a one-hook group of `type` pointing at it. */
async function scenario(name: string, type: string, origin?: { body: string }) {
  const { org, receiver } = await isolatedGroup(app, closeAfterTest, name, { type, path: "/hooks", ...(origin ? { origin } : {}) });
  return { ...org, receiver };
}

const rowCounts = async () => {
  const { rows } = await sql<{ deliveries: string; publications: string; jobs: string; attempts: string }>`
    select (select count(*) from deliveries) as deliveries, (select count(*) from publications) as publications,
           (select count(*) from graphile_worker._private_jobs) as jobs,
           (select count(*) from delivery_attempts) as attempts`.execute(app.db);
  return rows[0];
};

describe("previewHookPayload builds exactly the body the real delivery sends", () => {
  it.each([
    ["eventShort", "EVENT_UPDATED"],
    ["anonymousEvent", "EVENT_UPDATED"],
    ["eventDates", "EVENT_UPDATED"],
    ["orderShort", "ORDER_UPDATED"],
  ] as const)("for the seed origin %s (%s)", async (seed, type) => {
    const body = seedOriginBodies[seed];
    const org = await scenario(`Preview ${seed}`, type, { body });
    const event = await createEvent(app, { title: `${seed} event` }, org.adminKey);
    const isOrder = type.startsWith("ORDER_");
    const order = isOrder ? await createOrder(app, event.id, org.adminKey) : null;
    if (order) {
      await mutate(org.adminKey, `mutation ($id: ID!) { updateOrder(id: $id, input: { total: 99.5 }) { id } }`, { id: order.id });
    } else {
      await mutate(org.adminKey, `mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Renamed" }) { id } }`, { id: event.id });
    }
    const [request] = await org.receiver.waitFor(1);
    // Every delivery sent and its job gone, so row counts hold still.
    await waitUntilSettled(app);

    // A VIEWER key may preview: it is a read.
    const viewerKey = await createViewerKey(app, org.adminKey);
    const before = await rowCounts();
    const previewed = await preview(
      { hookType: type, origin: { body }, ...(order ? { orderId: order.id } : { eventId: event.id }) },
      viewerKey,
    );
    expect(previewed.errors).toEqual([]);
    expect(previewed.body).toBe(request!.body);
    expect(previewed.payload).toEqual(JSON.parse(request!.body));
    if (!isOrder) expect(previewed.payload).toMatchObject({ data: { event: { title: "Renamed" } } });
    expect(await rowCounts()).toEqual(before);
  });

  it("for the default payload, all but delivery_id (the webhook-id exists only at send time)", async () => {
    const org = await app.createOrganization("Preview default");
    const receiver = await startReceiver();
    closeAfterTest(receiver.close);
    await createGroup(
      app,
      {
        name: "defaults",
        hooks: [
          { type: "EVENT_UPDATED", endpoint: `${receiver.url}/events` },
          { type: "ORDER_CANCELLED", endpoint: `${receiver.url}/orders` },
        ],
      },
      org.adminKey,
    );
    const guide = await createEventGuide(app, "Preview guide", org.adminKey);
    const event = await createEvent(app, { title: "Default", eventGuideId: guide.id }, org.adminKey);
    const order = await createOrder(app, event.id, org.adminKey);
    await mutate(org.adminKey, `mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Renamed" }) { id } }`, { id: event.id });
    await mutate(org.adminKey, `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: order.id });
    const requests = await receiver.waitFor(2);
    const sent = (path: string) => JSON.parse(requests.find((request) => request.path === path)!.body) as Record<string, unknown>;

    const eventPreview = await preview({ hookType: "EVENT_UPDATED", eventId: event.id }, org.adminKey);
    const orderPreview = await preview({ hookType: "ORDER_CANCELLED", orderId: order.id }, org.adminKey);
    for (const [previewed, real] of [[eventPreview, sent("/events")], [orderPreview, sent("/orders")]] as const) {
      expect(previewed.errors).toEqual([]);
      expect(JSON.parse(previewed.body!)).toEqual(previewed.payload);
      const { delivery_id: previewId, ...previewRest } = previewed.payload as Record<string, unknown>;
      const { delivery_id: realId, ...realRest } = real;
      expect(previewRest).toEqual(realRest);
      expect(previewId).toMatch(/^[0-9a-f-]{36}$/);
      expect(previewId).not.toBe(realId);
    }
    expect(orderPreview.payload).toMatchObject({
      type: "order_cancelled",
      organization_id: org.id,
      event_id: event.id,
      order_id: order.id,
      event_guide_id: guide.id,
    });
  });

  it("with bodyFormat FORM, answers as body the exact form body a FORM hook sends", async () => {
    const body = seedOriginBodies.eventShort;
    const org = await scenario("Preview form", "EVENT_UPDATED", { body });
    const form = await isolatedGroup(app, closeAfterTest, "Preview form (form hook)", { type: "EVENT_UPDATED", path: "/form", bodyFormat: "FORM" });
    const event = await createEvent(app, { title: "Form & fields" }, org.adminKey);
    const formEvent = await createEvent(app, { title: "Form & fields" }, form.key);
    await mutate(form.key, `mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Renamed & co" }) { id } }`, { id: formEvent.id });
    const [request] = await form.receiver.waitFor(1);
    await waitUntilSettled(app);

    const previewed = await preview({ hookType: "EVENT_UPDATED", eventId: formEvent.id, bodyFormat: "FORM" }, form.key);
    expect(previewed.errors).toEqual([]);
    expect(request!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    // The default payload: all but delivery_id, as for JSON; the body is form fields.
    const fields = (text: string) => Object.fromEntries([...new URLSearchParams(text)].filter(([name]) => name !== "delivery_id"));
    expect(fields(previewed.body!)).toEqual(fields(request!.body));
    expect(previewed.payload).toMatchObject({ type: "event_updated", event_id: formEvent.id });

    const withOrigin = await preview({ hookType: "EVENT_UPDATED", eventId: event.id, origin: { body }, bodyFormat: "FORM" }, org.adminKey);
    expect(withOrigin.body).toBe("data=%7B%22event%22%3A%7B%22title%22%3A%22Form+%26+fields%22%7D%7D");
    expect(withOrigin.payload).toEqual({ data: { event: { title: "Form & fields" } } });
    const asJson = await preview({ hookType: "EVENT_UPDATED", eventId: event.id, origin: { body }, bodyFormat: "JSON" }, org.adminKey);
    expect(asJson.body).toBe(JSON.stringify(withOrigin.payload));
  });

  it("answers the origin's GraphQL errors along with the payload that would be sent", async () => {
    const org = await app.createOrganization("Preview errors");
    const event = await createEvent(app, { title: "No guide" }, org.adminKey);
    // The event has no guide: %EVENT_GUIDE_ID% becomes null, which the required variable refuses.
    const body = JSON.stringify({ variables: { id: "%EVENT_GUIDE_ID%" }, query: "query ($id: ID!) { eventGuide(id: $id) { name } }" });
    const previewed = await preview({ hookType: "EVENT_UPDATED", origin: { body }, eventId: event.id }, org.adminKey);
    expect(previewed.errors).toHaveLength(1);
    expect(previewed.errors[0]).toMatch(/\$id/);
    expect(JSON.parse(previewed.body!)).toEqual(previewed.payload);
    expect(previewed.payload).toMatchObject({ data: null, errors: [{ message: previewed.errors[0] }] });
  });
});

describe("previewHookPayload refuses what group creation refuses, and unknown ids, writing nothing", () => {
  const query = (text: string) => JSON.stringify({ variables: { id: "%EVENT_ID%" }, query: text });

  it("names the field under input.origin, input.eventId or input.orderId", async () => {
    const org = await app.createOrganization("Preview refusals");
    const other = await app.createOrganization("Preview other org");
    const event = await createEvent(app, { title: "Mine" }, org.adminKey);
    const otherEvent = await createEvent(app, { title: "Theirs" }, other.adminKey);
    const otherOrder = await createOrder(app, otherEvent.id, other.adminKey);
    const viewerKey = await createViewerKey(app, org.adminKey);
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["origin body not JSON", { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: "query { event }" } }, "input.origin.body", /JSON/],
      ["origin query that does not validate", { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: query("query ($id: ID!) { event(id: $id) { colour } }") } }, "input.origin.body", /Cannot query field "colour"/],
      ["origin mutation", { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: query("mutation ($id: ID!) { removeEvent(id: $id) { id } }") } }, "input.origin.body", /read/],
      ["origin reading configuration", { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: query("query ($id: ID!) { webhookGroups { totalCount } event(id: $id) { id } }") } }, "input.origin.body", /webhookGroups/],
      ["%ORDER_ID% in an event hook", { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: seedOriginBodies.orderShort } }, "input.origin.body", /%ORDER_ID%/],
      ["origin endpoint not allowed", { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: seedOriginBodies.eventShort, endpoint: "https://gql.elsewhere.example/graphql" } }, "input.origin.endpoint", /not allowed/],
      ["event hook without eventId", { hookType: "EVENT_UPDATED", origin: { body: seedOriginBodies.eventShort } }, "input.eventId", /required/],
      ["unknown event", { hookType: "EVENT_CREATED", eventId: "00000000-0000-4000-8000-000000000000" }, "input.eventId", /no event/],
      ["malformed event id", { hookType: "EVENT_CREATED", eventId: "not-an-id" }, "input.eventId", /no event/],
      ["another organization's event", { hookType: "EVENT_CREATED", eventId: otherEvent.id }, "input.eventId", /no event/],
      ["order hook without orderId", { hookType: "ORDER_CREATED", eventId: event.id, origin: { body: seedOriginBodies.orderShort } }, "input.orderId", /required/],
      ["another organization's order", { hookType: "ORDER_CREATED", orderId: otherOrder.id }, "input.orderId", /no order/],
      ["orderId for an event hook", { hookType: "EVENT_CREATED", eventId: event.id, orderId: otherOrder.id }, "input.orderId", /no order|leave orderId out/],
    ];
    const before = await rowCounts();
    for (const [name, input, field, message] of cases) {
      const result = await app.graphql(previewQuery, { input }, { key: viewerKey });
      expect(result.data, name).toBeNull();
      expect(result.errors?.[0]?.extensions, name).toEqual({ code: "BAD_USER_INPUT", field });
      expect(result.errors?.[0]?.message, name).toMatch(message);
      expect(result.errors?.[0]?.message.startsWith(`${field}: `), name).toBe(true);
    }
    // Refused by GraphQL's variable coercion (so no `data` at all), with the field named as ours are.
    const badFormat = await app.graphql(previewQuery, { input: { hookType: "EVENT_CREATED", eventId: event.id, bodyFormat: "XML" } }, { key: viewerKey });
    expect(badFormat.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.bodyFormat" });
    expect(badFormat.errors?.[0]?.message).toMatch(/bodyFormat.*BodyFormat/);
    // Another organization's ids are answered like unknown ones, word for word.
    const unknownOrder = await app.graphql(previewQuery, { input: { hookType: "ORDER_CREATED", orderId: "00000000-0000-4000-8000-000000000000" } }, { key: viewerKey });
    const foreignOrder = await app.graphql(previewQuery, { input: { hookType: "ORDER_CREATED", orderId: otherOrder.id } }, { key: viewerKey });
    expect(foreignOrder.errors![0]!.message.replace(otherOrder.id, "ID")).toBe(
      unknownOrder.errors![0]!.message.replace("00000000-0000-4000-8000-000000000000", "ID"),
    );
    expect(await rowCounts()).toEqual(before);
  });

  it("needs an API key", async () => {
    const result = await app.graphql(previewQuery, { input: { hookType: "EVENT_CREATED", eventId: "00000000-0000-4000-8000-000000000000" } }, {});
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
