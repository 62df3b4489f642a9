import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createEvent, createEventGuide, createOrder, seedOriginBodies } from "../support/fixtures.js";
import { type GraphqlResult, useTestApp } from "../support/test-app.js";

const app = useTestApp();

const eventFields = `id title description startDate endDate status createdAt updatedAt removedAt
  eventGuide { id name } organization { id name }`;
const orderFields = `id hash status total currency createdAt updatedAt cancelledAt removedAt event { id title }`;

const eventQuery = `query ($id: ID!) { event(id: $id) { ${eventFields} } }`;
const orderQuery = `query ($id: ID!) { order(id: $id) { ${orderFields} } }`;
const createEventMutation = `mutation ($input: CreateEventInput!) { createEvent(input: $input) { ${eventFields} } }`;
const updateEventMutation = `mutation ($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { ${eventFields} } }`;
const removeEventMutation = `mutation ($id: ID!) { removeEvent(id: $id) { ${eventFields} } }`;
const createOrderMutation = `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { ${orderFields} } }`;
const updateOrderMutation = `mutation ($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { ${orderFields} } }`;
const cancelOrderMutation = `mutation ($id: ID!) { cancelOrder(id: $id) { ${orderFields} } }`;
const removeOrderMutation = `mutation ($id: ID!) { removeOrder(id: $id) { ${orderFields} } }`;
const createGuideMutation = `mutation ($input: CreateEventGuideInput!) { createEventGuide(input: $input) { id name createdAt } }`;

const eventInput = (overrides: Record<string, unknown> = {}) => ({
  title: "Summer Fest",
  description: "Open air, three stages",
  startDate: "2027-06-01T18:00:00Z",
  endDate: "2027-06-02T02:00:00Z",
  ...overrides,
});

const unknownId = "7d0c3a5e-0000-4000-8000-000000000000";

function expectInputError(result: GraphqlResult, field: string) {
  expect(result.data ?? null).toBeNull();
  expect(result.errors).toHaveLength(1);
  const error = result.errors![0]!;
  expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
  // The message names the field (its last segment is enough for a person to find it).
  expect(error.message).toContain(field.split(".").at(-1)!);
}

async function countRows() {
  const count = async (table: "events" | "orders" | "event_guides") =>
    Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  return { events: await count("events"), orders: await count("orders"), eventGuides: await count("event_guides") };
}

/** Runs `attempt` and checks that no event, order or guide was written by it. */
async function writesNothing<T>(attempt: () => Promise<T>): Promise<T> {
  const before = await countRows();
  const result = await attempt();
  expect(await countRows()).toEqual(before);
  return result;
}

/** A doo origin body sent as it is, placeholders substituted in `variables` only. */
async function runOriginBody(body: string, ids: { eventId?: string; orderId?: string }) {
  const request = JSON.parse(body) as { query: string; variables?: Record<string, unknown>; operationName?: string | null };
  const variables = JSON.parse(
    JSON.stringify(request.variables ?? {})
      .replaceAll("%EVENT_ID%", ids.eventId ?? "")
      .replaceAll("%ORDER_ID%", ids.orderId ?? ""),
  );
  const response = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": app.adminKey },
    body: JSON.stringify({ query: request.query, variables, operationName: request.operationName }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data?: unknown; errors?: unknown };
}

describe("event guides, events and orders", () => {
  it("creates a guide, an event in it and orders, and reads them back by id and through nested fields", async () => {
    const guideResult = await app.graphql(createGuideMutation, { input: { name: "  Festival guide  " } });
    const guide = guideResult.data?.createEventGuide;
    expect(guide).toMatchObject({ name: "Festival guide" });
    expect(new Date(guide.createdAt).getTime()).not.toBeNaN();

    const created = await app.graphql(createEventMutation, { input: eventInput({ eventGuideId: guide.id }) });
    const event = created.data?.createEvent;
    expect(event).toMatchObject({
      title: "Summer Fest",
      description: "Open air, three stages",
      startDate: "2027-06-01T18:00:00.000Z",
      endDate: "2027-06-02T02:00:00.000Z",
      status: "ACTIVE",
      removedAt: null,
      eventGuide: { id: guide.id, name: "Festival guide" },
      organization: { id: app.defaultOrganizationId, name: "Default" },
    });

    const first = await app.graphql(createOrderMutation, { input: { eventId: event.id, total: 12.5, currency: "eur" } });
    const order = first.data?.createOrder;
    expect(order).toMatchObject({
      status: "OPEN",
      total: 12.5,
      currency: "EUR",
      cancelledAt: null,
      removedAt: null,
      event: { id: event.id, title: "Summer Fest" },
    });
    expect(order.hash).toMatch(/^[0-9A-Z]{8,}$/);
    const second = await createOrder(app, event.id);
    expect(second.hash).not.toBe(order.hash);

    expect((await app.graphql(eventQuery, { id: event.id })).data?.event).toEqual(event);
    expect((await app.graphql(orderQuery, { id: order.id })).data?.order).toEqual(order);

    const nested = await app.graphql(
      `query ($guide: ID!, $event: ID!, $order: ID!) {
        eventGuide(id: $guide) { id name events { totalCount edges { node { id orders { totalCount edges { node { id } } } } } } }
        event(id: $event) { eventGuide { id } orders { totalCount edges { node { id event { id } } } } }
        order(id: $order) { event { id eventGuide { id name } } }
      }`,
      { guide: guide.id, event: event.id, order: order.id },
    );
    expect(nested.errors).toBeUndefined();
    expect(nested.data?.eventGuide).toEqual({
      id: guide.id,
      name: "Festival guide",
      events: { totalCount: 1, edges: [{ node: { id: event.id, orders: { totalCount: 2, edges: [{ node: { id: second.id } }, { node: { id: order.id } }] } } }] },
    });
    expect(nested.data?.event).toEqual({
      eventGuide: { id: guide.id },
      orders: { totalCount: 2, edges: [{ node: { id: second.id, event: { id: event.id } } }, { node: { id: order.id, event: { id: event.id } } }] },
    });
    expect(nested.data?.order).toEqual({ event: { id: event.id, eventGuide: { id: guide.id, name: "Festival guide" } } });

    const unguided = await createEvent(app);
    const read = await app.graphql(`query ($id: ID!) { event(id: $id) { eventGuide { id } description } }`, { id: unguided.id });
    expect(read.data?.event).toEqual({ eventGuide: null, description: null });
  });

  it("answers null for an unknown, malformed or other organization's id", async () => {
    const other = await app.createOrganization("Other source org");
    const foreignEvent = await createEvent(app, {}, other.adminKey);
    const foreignOrder = await createOrder(app, foreignEvent.id, other.adminKey);
    const foreignGuide = await createEventGuide(app, "Foreign guide", other.adminKey);
    const query = `query ($e: ID!, $o: ID!, $g: ID!) { event(id: $e) { id } order(id: $o) { id } eventGuide(id: $g) { id } }`;
    for (const ids of [
      { e: unknownId, o: unknownId, g: unknownId },
      { e: "not-a-uuid", o: "42", g: "" },
      { e: foreignEvent.id, o: foreignOrder.id, g: foreignGuide.id },
    ]) {
      const result = await app.graphql(query, ids);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ event: null, order: null, eventGuide: null });
    }
    // The foreign rows are really there for their own organization.
    expect((await app.graphql(query, { e: foreignEvent.id, o: foreignOrder.id, g: foreignGuide.id }, { key: other.adminKey })).data).toEqual({
      event: { id: foreignEvent.id },
      order: { id: foreignOrder.id },
      eventGuide: { id: foreignGuide.id },
    });
    // Nor can another organization's event take orders or be updated from here.
    const order = await writesNothing(() => app.graphql(createOrderMutation, { input: { eventId: foreignEvent.id, total: 1, currency: "EUR" } }));
    expectInputError(order, "input.eventId");
    const update = await app.graphql(updateEventMutation, { id: foreignEvent.id, input: { title: "Hijacked" } });
    expect(update.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const still = await app.graphql(`query ($id: ID!) { event(id: $id) { title } }`, { id: foreignEvent.id }, { key: other.adminKey });
    expect(still.data?.event.title).toBe("Summer Fest");
  });

  describe("lists", () => {
    // A fresh organization of its own, so counts are exact whatever the other tests create.
    let key = "";
    let events: { id: string; title: string }[] = [];
    let orders: { id: string; eventId: string }[] = [];
    let guides: { id: string; name: string }[] = [];
    beforeAll(async () => {
      key = (await app.createOrganization("Lists org")).adminKey;
      for (const name of ["guide-1", "guide-2", "guide-3"]) guides.push(await createEventGuide(app, name, key));
      for (const title of ["event-1", "event-2", "event-3", "event-4", "event-5"]) {
        events.push(await createEvent(app, { title, eventGuideId: guides[0]!.id }, key));
      }
      for (const event of [events[0]!, events[0]!, events[1]!, events[0]!]) {
        orders.push({ ...(await createOrder(app, event.id, key)), eventId: event.id });
      }
      events = events.reverse();
      orders = orders.reverse();
      guides = guides.reverse();
    });

    /** Follows `after` cursors page by page; answers every id seen and every totalCount reported. */
    async function walk(field: string, page: number, filter: { eventId?: string } = {}) {
      const [definitions, args] = filter.eventId === undefined ? ["", ""] : [", $eventId: ID", ", eventId: $eventId"];
      const query = `query ($first: Int, $after: String${definitions}) {
        ${field}(first: $first, after: $after${args}) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
      const ids: string[] = [];
      const totals = new Set<number>();
      let after: string | null = null;
      for (let pages = 0; pages < 20; pages++) {
        const result: GraphqlResult = await app.graphql(query, { ...filter, first: page, after }, { key });
        expect(result.errors).toBeUndefined();
        const connection = result.data?.[field];
        totals.add(connection.totalCount);
        expect(connection.edges.length).toBeLessThanOrEqual(page);
        ids.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
        expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
        if (!connection.pageInfo.hasNextPage) return { ids, totalCount: [...totals] };
        after = connection.pageInfo.endCursor;
      }
      throw new Error(`${field}: more than 20 pages`);
    }

    it("lists events newest first, page by page, with totalCount and pageInfo", async () => {
      const page = await app.graphql(
        `{ events(first: 2) { totalCount edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }`,
        undefined,
        { key },
      );
      expect(page.data?.events).toMatchObject({
        totalCount: 5,
        edges: [{ node: { title: "event-5" } }, { node: { title: "event-4" } }],
        pageInfo: { hasNextPage: true },
      });
      expect(await walk("events", 2)).toEqual({ ids: events.map((event) => event.id), totalCount: [5] });
      expect(await walk("events", 100)).toEqual({ ids: events.map((event) => event.id), totalCount: [5] });
      const last = await app.graphql(`{ events(first: 5) { edges { node { id } } pageInfo { hasNextPage } } }`, undefined, { key });
      expect(last.data?.events.pageInfo.hasNextPage).toBe(false);
    });

    it("lists orders newest first, of all events or of one event, and event guides newest first", async () => {
      expect(await walk("orders", 3)).toEqual({ ids: orders.map((order) => order.id), totalCount: [4] });
      const ofFirst = orders.filter((order) => order.eventId === events.at(-1)!.id).map((order) => order.id);
      expect(ofFirst).toHaveLength(3);
      expect(await walk("orders", 2, { eventId: events.at(-1)!.id })).toEqual({ ids: ofFirst, totalCount: [3] });
      expect(await walk("orders", 2, { eventId: events[0]!.id })).toEqual({ ids: [], totalCount: [0] });
      expect(await walk("orders", 2, { eventId: unknownId })).toEqual({ ids: [], totalCount: [0] });
      expect(await walk("orders", 2, { eventId: "not-a-uuid" })).toEqual({ ids: [], totalCount: [0] });
      expect(await walk("eventGuides", 2)).toEqual({ ids: guides.map((guide) => guide.id), totalCount: [3] });

      const nested = await app.graphql(
        `query ($id: ID!) { eventGuide(id: $id) { events(first: 2) { totalCount edges { node { title } } pageInfo { hasNextPage } } } }`,
        { id: guides.at(-1)!.id },
        { key },
      );
      expect(nested.data?.eventGuide.events).toEqual({
        totalCount: 5,
        edges: [{ node: { title: "event-5" } }, { node: { title: "event-4" } }],
        pageInfo: { hasNextPage: true },
      });
      const after = await app.graphql(
        `query ($id: ID!, $after: String) { event(id: $id) { orders(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
        { id: events.at(-1)!.id },
        { key },
      );
      expect(after.data?.event.orders.edges.map((edge: any) => edge.node.id)).toEqual(ofFirst.slice(0, 2));
      const rest = await app.graphql(
        `query ($id: ID!, $after: String) { event(id: $id) { orders(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage } } } }`,
        { id: events.at(-1)!.id, after: after.data?.event.orders.pageInfo.endCursor },
        { key },
      );
      expect(rest.data?.event.orders).toEqual({ edges: [{ node: { id: ofFirst[2] } }], pageInfo: { hasNextPage: false } });
    });

    it.each([
      ["within the same millisecond", ["2026-01-01T00:00:00.000900Z", "2026-01-01T00:00:00.000600Z", "2026-01-01T00:00:00.000300Z"]],
      ["at the very same instant", ["2026-01-01T00:00:00.123Z", "2026-01-01T00:00:00.123Z", "2026-01-01T00:00:00.123Z"]],
    ])("pages one by one without skipping or repeating rows created %s", async (_, times) => {
      // Rows created close together (a batch, an import, a busy server) share a timestamp or its
      // millisecond; every page boundary between them must still be exact.
      const { id: organizationId, adminKey: own } = await app.createOrganization(`Close rows ${times[0]}`);
      const inserted = await app.db
        .insertInto("event_guides")
        .values(times.map((at, index) => ({ organization_id: organizationId, name: `guide-${index}`, created_at: new Date(at) })))
        .returning(["id", "created_at"])
        .execute();
      if (times[0]!.length > 24) {
        // Store the microseconds themselves (a JavaScript Date would round them away).
        for (const [index, row] of inserted.entries()) {
          await sql`update event_guides set created_at = ${times[index]}::timestamptz where id = ${row.id}`.execute(app.db);
        }
      }
      // Newest first; equal timestamps in a stable order (by id, descending).
      const expected = inserted
        .map((row, index) => ({ id: row.id, at: times[index]! }))
        .sort((x, y) => (x.at === y.at ? (x.id < y.id ? 1 : -1) : x.at < y.at ? 1 : -1))
        .map((row) => row.id);
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 5; pages++) {
        const result: GraphqlResult = await app.graphql(
          `query ($after: String) { eventGuides(first: 1, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
          { key: own },
        );
        expect(result.errors).toBeUndefined();
        expect(result.data?.eventGuides.totalCount).toBe(3);
        seen.push(...result.data?.eventGuides.edges.map((edge: any) => edge.node.id));
        if (!result.data?.eventGuides.pageInfo.hasNextPage) break;
        after = result.data.eventGuides.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
    });
  });

  it("updateEvent changes only the fields given, and description: null clears it", async () => {
    const guide = await createEventGuide(app, "Update guide");
    const event = (await app.graphql(createEventMutation, { input: eventInput({ eventGuideId: guide.id }) })).data?.createEvent;

    const renamed = (await app.graphql(updateEventMutation, { id: event.id, input: { title: "  Winter Fest " } })).data?.updateEvent;
    expect(renamed).toEqual({ ...event, title: "Winter Fest", updatedAt: renamed.updatedAt });
    expect(new Date(renamed.updatedAt).getTime()).toBeGreaterThan(new Date(event.updatedAt).getTime());

    const moved = (
      await app.graphql(updateEventMutation, { id: event.id, input: { startDate: "2027-12-01T10:00:00+01:00", endDate: "2027-12-01T20:00:00+01:00" } })
    ).data?.updateEvent;
    expect(moved).toMatchObject({ title: "Winter Fest", description: "Open air, three stages", startDate: "2027-12-01T09:00:00.000Z", endDate: "2027-12-01T19:00:00.000Z" });

    const cleared = (await app.graphql(updateEventMutation, { id: event.id, input: { description: null } })).data?.updateEvent;
    expect(cleared).toMatchObject({ title: "Winter Fest", description: null, startDate: "2027-12-01T09:00:00.000Z", eventGuide: { id: guide.id } });

    const untouched = (await app.graphql(updateEventMutation, { id: event.id, input: {} })).data?.updateEvent;
    expect(untouched).toMatchObject({ title: "Winter Fest", description: null, startDate: "2027-12-01T09:00:00.000Z", endDate: "2027-12-01T19:00:00.000Z" });

    expect((await app.graphql(eventQuery, { id: event.id })).data?.event).toMatchObject({ title: "Winter Fest", description: null });

    // Only an end date before the (stored) start date is refused.
    const early = await writesNothing(() => app.graphql(updateEventMutation, { id: event.id, input: { endDate: "2027-11-30T00:00:00Z" } }));
    expectInputError(early, "input.endDate");
    expect((await app.graphql(eventQuery, { id: event.id })).data?.event.endDate).toBe("2027-12-01T19:00:00.000Z");

    const missing = await app.graphql(updateEventMutation, { id: unknownId, input: { title: "x" } });
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("updateOrder changes total and currency; cancelOrder cancels once and is idempotent; a cancelled order refuses updates", async () => {
    const event = await createEvent(app);
    const order = (await app.graphql(createOrderMutation, { input: { eventId: event.id, total: 10, currency: "EUR" } })).data?.createOrder;

    const repriced = (await app.graphql(updateOrderMutation, { id: order.id, input: { total: 19.99 } })).data?.updateOrder;
    expect(repriced).toMatchObject({ id: order.id, hash: order.hash, total: 19.99, currency: "EUR", status: "OPEN" });
    const recurrenced = (await app.graphql(updateOrderMutation, { id: order.id, input: { currency: "usd" } })).data?.updateOrder;
    expect(recurrenced).toMatchObject({ total: 19.99, currency: "USD" });
    const zero = (await app.graphql(updateOrderMutation, { id: order.id, input: { total: 0 } })).data?.updateOrder;
    expect(zero).toMatchObject({ total: 0, currency: "USD" });

    const cancelled = (await app.graphql(cancelOrderMutation, { id: order.id })).data?.cancelOrder;
    expect(cancelled).toMatchObject({ id: order.id, status: "CANCELLED", removedAt: null });
    expect(new Date(cancelled.cancelledAt).getTime()).not.toBeNaN();

    const again = await app.graphql(cancelOrderMutation, { id: order.id });
    expect(again.errors).toBeUndefined();
    expect(again.data?.cancelOrder).toEqual(cancelled);

    const refused = await app.graphql(updateOrderMutation, { id: order.id, input: { total: 5 } });
    expectInputError(refused, "id");
    expect(refused.errors?.[0]?.message).toMatch(/cancel/i);
    expect((await app.graphql(orderQuery, { id: order.id })).data?.order).toMatchObject({ total: 0, status: "CANCELLED" });

    // Cancelled orders are still listed: cancelling is not removing.
    const listed = await app.graphql(`query ($id: ID!) { orders(eventId: $id) { edges { node { id status } } } }`, { id: event.id });
    expect(listed.data?.orders.edges).toEqual([{ node: { id: order.id, status: "CANCELLED" } }]);

    expect((await app.graphql(cancelOrderMutation, { id: unknownId })).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await app.graphql(updateOrderMutation, { id: "nope", input: { total: 1 } })).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("removeEvent and removeOrder are soft: REMOVED, removedAt set, still resolvable by id, listed only with includeRemoved", async () => {
    const { adminKey: key } = await app.createOrganization("Removal org");
    const kept = await createEvent(app, { title: "Kept" }, key);
    const event = await createEvent(app, { title: "Gone" }, key);
    const keptOrder = await createOrder(app, kept.id, key);
    const order = await createOrder(app, kept.id, key);
    const orderOfRemovedEvent = await createOrder(app, event.id, key);

    const removedOrder = (await app.graphql(removeOrderMutation, { id: order.id }, { key })).data?.removeOrder;
    expect(removedOrder).toMatchObject({ id: order.id, status: "REMOVED", cancelledAt: null });
    expect(new Date(removedOrder.removedAt).getTime()).not.toBeNaN();
    const removedEvent = (await app.graphql(removeEventMutation, { id: event.id }, { key })).data?.removeEvent;
    expect(removedEvent).toMatchObject({ id: event.id, title: "Gone", status: "REMOVED" });
    expect(new Date(removedEvent.removedAt).getTime()).not.toBeNaN();

    // Removing again changes nothing.
    expect((await app.graphql(removeEventMutation, { id: event.id }, { key })).data?.removeEvent).toEqual(removedEvent);
    expect((await app.graphql(removeOrderMutation, { id: order.id }, { key })).data?.removeOrder).toEqual(removedOrder);

    expect((await app.graphql(eventQuery, { id: event.id }, { key })).data?.event).toEqual(removedEvent);
    expect((await app.graphql(orderQuery, { id: order.id }, { key })).data?.order).toEqual(removedOrder);

    const lists = `query ($all: Boolean) {
      events(includeRemoved: $all) { totalCount edges { node { id status } } }
      orders(includeRemoved: $all) { totalCount edges { node { id status } } } }`;
    const live = await app.graphql(lists, {}, { key });
    expect(live.data?.events).toEqual({ totalCount: 1, edges: [{ node: { id: kept.id, status: "ACTIVE" } }] });
    // The order of the removed event was not itself removed.
    expect(live.data?.orders).toEqual({
      totalCount: 2,
      edges: [{ node: { id: orderOfRemovedEvent.id, status: "OPEN" } }, { node: { id: keptOrder.id, status: "OPEN" } }],
    });
    const all = await app.graphql(lists, { all: true }, { key });
    expect(all.data?.events).toEqual({
      totalCount: 2,
      edges: [{ node: { id: event.id, status: "REMOVED" } }, { node: { id: kept.id, status: "ACTIVE" } }],
    });
    expect(all.data?.orders.totalCount).toBe(3);
    expect(all.data?.orders.edges).toContainEqual({ node: { id: order.id, status: "REMOVED" } });
    const nested = await app.graphql(`query ($id: ID!) { event(id: $id) { orders { totalCount edges { node { id } } } } }`, { id: kept.id }, { key });
    expect(nested.data?.event.orders).toEqual({ totalCount: 1, edges: [{ node: { id: keptOrder.id } }] });

    // A removed event refuses changes and new orders; a removed order refuses changes.
    const update = await writesNothing(() => app.graphql(updateEventMutation, { id: event.id, input: { title: "Back" } }, { key }));
    expectInputError(update, "id");
    expect(update.errors?.[0]?.message).toMatch(/removed/);
    const newOrder = await writesNothing(() => app.graphql(createOrderMutation, { input: { eventId: event.id, total: 1, currency: "EUR" } }, { key }));
    expectInputError(newOrder, "input.eventId");
    expect(newOrder.errors?.[0]?.message).toMatch(/removed/);
    expectInputError(await app.graphql(updateOrderMutation, { id: order.id, input: { total: 1 } }, { key }), "id");
    expectInputError(await app.graphql(cancelOrderMutation, { id: order.id }, { key }), "id");
    expect((await app.graphql(eventQuery, { id: event.id }, { key })).data?.event.title).toBe("Gone");
    expect((await app.graphql(orderQuery, { id: order.id }, { key })).data?.order).toEqual(removedOrder);
  });

  it("runs the doo seed's origin bodies unchanged, for live and for removed events and orders", async () => {
    const event = await createEvent(app, { title: "Seeded Fest" });
    const order = await createOrder(app, event.id);
    const expectations = async () => {
      expect(await runOriginBody(seedOriginBodies.eventShort, { eventId: event.id })).toEqual({ data: { event: { title: "Seeded Fest" } } });
      expect(await runOriginBody(seedOriginBodies.orderShort, { orderId: order.id })).toEqual({ data: { order: { hash: order.hash } } });
      expect(await runOriginBody(seedOriginBodies.anonymousEvent, { eventId: event.id })).toEqual({
        data: { event: { id: event.id, title: "Seeded Fest" } },
      });
      expect(await runOriginBody(seedOriginBodies.eventDates, { eventId: event.id })).toEqual({
        data: { event: { title: "Seeded Fest", startDate: "2027-06-01T18:00:00.000Z", endDate: "2027-06-02T02:00:00.000Z" } },
      });
    };
    await expectations();
    await app.graphql(removeOrderMutation, { id: order.id });
    await app.graphql(removeEventMutation, { id: event.id });
    expect((await app.graphql(eventQuery, { id: event.id })).data?.event.status).toBe("REMOVED");
    await expectations();
  });

  describe("bad input gets BAD_USER_INPUT naming the field, and writes nothing", () => {
    let event: { id: string };
    beforeAll(async () => {
      event = await createEvent(app, { title: "Validation Fest" });
    });

    const createEventCases: [string, Record<string, unknown>, string][] = [
      ["empty title", { title: "" }, "input.title"],
      ["whitespace title", { title: " \t\n " }, "input.title"],
      ["over-long title", { title: "x".repeat(501) }, "input.title"],
      ["control characters in the title", { title: "bad\u0007title" }, "input.title"],
      ["endDate before startDate", { startDate: "2027-06-02T00:00:00Z", endDate: "2027-06-01T23:59:59Z" }, "input.endDate"],
      ["unknown eventGuideId", { eventGuideId: unknownId }, "input.eventGuideId"],
      ["malformed eventGuideId", { eventGuideId: "guide-1" }, "input.eventGuideId"],
    ];
    it.each(createEventCases)("createEvent: %s", async (_, overrides, field) => {
      const result = await writesNothing(() => app.graphql(createEventMutation, { input: eventInput(overrides) }));
      expectInputError(result, field);
    });

    it("accepts a title of exactly 500 and a guide name of exactly 200 characters", async () => {
      const title = "t".repeat(500);
      expect((await app.graphql(createEventMutation, { input: eventInput({ title }) })).data?.createEvent.title).toBe(title);
      const name = "n".repeat(200);
      expect((await app.graphql(createGuideMutation, { input: { name } })).data?.createEventGuide.name).toBe(name);
    });

    it.each([
      ["empty name", "", "input.name"],
      ["whitespace name", "   ", "input.name"],
      ["over-long name", "n".repeat(201), "input.name"],
    ])("createEventGuide: %s", async (_, name, field) => {
      expectInputError(await writesNothing(() => app.graphql(createGuideMutation, { input: { name } })), field);
    });

    it.each([
      ["not a date", "next friday"],
      ["impossible date", "2027-02-30T18:00:00Z"],
      ["no time", "2027-06-01"],
      ["empty", ""],
    ])("createEvent and updateEvent: invalid DateTime (%s)", async (_, value) => {
      // Refused by the DateTime scalar while coercing variables, before any resolver runs.
      const created = await writesNothing(() => app.graphql(createEventMutation, { input: eventInput({ startDate: value }) }));
      expect(created.data ?? null).toBeNull();
      expect(created.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(created.errors?.[0]?.message).toContain("input.startDate");
      const updated = await app.graphql(updateEventMutation, { id: event.id, input: { endDate: value } });
      expect(updated.data ?? null).toBeNull();
      expect(updated.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(updated.errors?.[0]?.message).toContain("input.endDate");
      expect((await app.graphql(eventQuery, { id: event.id })).data?.event.endDate).toBe("2027-06-02T02:00:00.000Z");
    });

    it("an invalid DateTime names its field in extensions.field too, like every other BAD_USER_INPUT", async () => {
      const result = await app.graphql(createEventMutation, { input: eventInput({ startDate: "next friday" }) });
      expect(result.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.startDate" });
    });

    it("updateEvent: empty or over-long title, title: null, startDate: null", async () => {
      for (const [input, field] of [
        [{ title: "" }, "input.title"],
        [{ title: "x".repeat(501) }, "input.title"],
        [{ title: null }, "input.title"],
        [{ startDate: null }, "input.startDate"],
      ] as const) {
        const result = await writesNothing(() => app.graphql(updateEventMutation, { id: event.id, input }));
        expectInputError(result, field);
      }
      const read = await app.graphql(eventQuery, { id: event.id });
      expect(read.data?.event).toMatchObject({ title: "Validation Fest", startDate: "2027-06-01T18:00:00.000Z" });
    });

    const createOrderCases: [string, Record<string, unknown>, string][] = [
      ["unknown eventId", { eventId: unknownId }, "input.eventId"],
      ["malformed eventId", { eventId: "event-1" }, "input.eventId"],
      ["negative total", { total: -0.01 }, "input.total"],
      ["total with three decimals", { total: 12.345 }, "input.total"],
      ["total too large", { total: 1e15 }, "input.total"],
      ["currency EURO", { currency: "EURO" }, "input.currency"],
      ["currency e1", { currency: "e1" }, "input.currency"],
      ["empty currency", { currency: "" }, "input.currency"],
    ];
    it.each(createOrderCases)("createOrder: %s", async (_, overrides, field) => {
      const input = { eventId: event.id, total: 12.5, currency: "EUR", ...overrides };
      expectInputError(await writesNothing(() => app.graphql(createOrderMutation, { input })), field);
    });

    it("createOrder and updateOrder: a non-finite total", async () => {
      // JSON cannot say Infinity, but 1e400 parses to it; a literal in the document does too.
      const viaJson = await writesNothing(async () => {
        const response = await fetch(`${app.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": app.adminKey },
          body: `{"query":${JSON.stringify(createOrderMutation)},"variables":{"input":{"eventId":"${event.id}","total":1e400,"currency":"EUR"}}}`,
        });
        return (await response.json()) as GraphqlResult;
      });
      expect(viaJson.data ?? null).toBeNull();
      expect(viaJson.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(viaJson.errors?.[0]?.message).toContain("total");

      const viaLiteral = await writesNothing(() =>
        app.graphql(`mutation ($id: ID!) { createOrder(input: { eventId: $id, total: 1e400, currency: "EUR" }) { id } }`, { id: event.id }),
      );
      expectInputError(viaLiteral, "input.total");

      const order = await createOrder(app, event.id);
      const update = await app.graphql(`mutation ($id: ID!) { updateOrder(id: $id, input: { total: 1e400 }) { id } }`, { id: order.id });
      expectInputError(update, "input.total");
      expect((await app.graphql(orderQuery, { id: order.id })).data?.order.total).toBe(42.5);
    });

    it("updateOrder: negative total, three decimals, bad currency, null fields", async () => {
      const order = await createOrder(app, event.id);
      for (const [input, field] of [
        [{ total: -1 }, "input.total"],
        [{ total: 0.001 }, "input.total"],
        [{ currency: "EURO" }, "input.currency"],
        [{ currency: "e1" }, "input.currency"],
        [{ total: null }, "input.total"],
        [{ currency: null }, "input.currency"],
      ] as const) {
        expectInputError(await app.graphql(updateOrderMutation, { id: order.id, input }), field);
      }
      expect((await app.graphql(orderQuery, { id: order.id })).data?.order).toMatchObject({ total: 42.5, currency: "EUR" });
    });

    it.each([
      ["events", "{ events(first: 0) { totalCount } }"],
      ["events", "{ events(first: 101) { totalCount } }"],
      ["events", "{ events(first: -1) { totalCount } }"],
      ["orders", "{ orders(first: 0) { totalCount } }"],
      ["eventGuides", "{ eventGuides(first: 101) { totalCount } }"],
    ])("%s: first out of 1..100 (%s)", async (_, query) => {
      expectInputError(await app.graphql(query), "first");
    });

    it("first: 100 is accepted", async () => {
      const result = await app.graphql("{ events(first: 100) { edges { node { id } } } }");
      expect(result.errors).toBeUndefined();
    });

    it.each([
      ["not base64 JSON", "garbage"],
      ["JSON that is not a cursor", Buffer.from('{"a":1}').toString("base64url")],
      ["a bad date", Buffer.from('["yesterday","7d0c3a5e-0000-4000-8000-000000000000"]').toString("base64url")],
      ["a cursor with a non-UUID id", Buffer.from('["2026-01-01T00:00:00.000Z","x"]').toString("base64url")],
    ])("a garbage after cursor: %s", async (_, after) => {
      for (const field of ["events", "orders", "eventGuides"]) {
        const result = await app.graphql(`query ($after: String) { ${field}(after: $after) { totalCount } }`, { after });
        expectInputError(result, "after");
      }
    });
  });

  describe("roles", () => {
    it("a VIEWER key reads everything but every source mutation is FORBIDDEN and writes nothing", async () => {
      const issued = await app.graphql(`mutation { createApiKey(role: VIEWER) { apiKey } }`);
      const viewer = issued.data?.createApiKey.apiKey as string;
      const guide = await createEventGuide(app, "Viewer guide");
      const event = await createEvent(app, { eventGuideId: guide.id });
      const order = await createOrder(app, event.id);

      const read = await app.graphql(
        `query ($g: ID!, $e: ID!, $o: ID!) {
          eventGuide(id: $g) { id } event(id: $e) { id orders { totalCount } } order(id: $o) { hash }
          events(first: 1) { totalCount } orders(first: 1) { totalCount } eventGuides(first: 1) { totalCount } }`,
        { g: guide.id, e: event.id, o: order.id },
        { key: viewer },
      );
      expect(read.errors).toBeUndefined();
      expect(read.data).toMatchObject({ eventGuide: { id: guide.id }, event: { id: event.id, orders: { totalCount: 1 } }, order: { hash: order.hash } });
      expect(read.data?.events.totalCount).toBeGreaterThan(0);

      const mutations: [string, Record<string, unknown>][] = [
        [createGuideMutation, { input: { name: "Nope" } }],
        [createEventMutation, { input: eventInput() }],
        [updateEventMutation, { id: event.id, input: { title: "Nope" } }],
        [removeEventMutation, { id: event.id }],
        [createOrderMutation, { input: { eventId: event.id, total: 1, currency: "EUR" } }],
        [updateOrderMutation, { id: order.id, input: { total: 1 } }],
        [cancelOrderMutation, { id: order.id }],
        [removeOrderMutation, { id: order.id }],
      ];
      for (const [mutation, variables] of mutations) {
        const result = await writesNothing(() => app.graphql(mutation, variables, { key: viewer }));
        expect(result.data ?? null).toBeNull();
        expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      }
      expect((await app.graphql(eventQuery, { id: event.id })).data?.event).toMatchObject({ title: "Summer Fest", status: "ACTIVE" });
      expect((await app.graphql(orderQuery, { id: order.id })).data?.order).toMatchObject({ status: "OPEN", total: 42.5 });
    });

    it("without a key, reads and writes are UNAUTHENTICATED", async () => {
      const event = await createEvent(app);
      for (const [query, variables] of [
        [eventQuery, { id: event.id }],
        ["{ events { totalCount } }", {}],
        ["{ orders { totalCount } }", {}],
        ["{ eventGuides { totalCount } }", {}],
        [createEventMutation, { input: eventInput() }],
        [removeEventMutation, { id: event.id }],
      ] as const) {
        const result = await writesNothing(() => app.graphql(query, variables, {}));
        // Nullable fields answer null beside the error; nothing else is returned.
        expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
        expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      }
    });
  });
});

