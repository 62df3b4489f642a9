import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createEvent, createEventGuide, createOrder, seedOriginBodies } from "../support/fixtures.js";
import {
  cancelOrderMutation,
  createEventMutation,
  createGuideMutation,
  createOrderMutation,
  eventInput,
  eventQuery,
  orderQuery,
  removeEventMutation,
  removeOrderMutation,
  runOriginBody,
  unknownId,
  updateEventMutation,
  updateOrderMutation,
  writesNothing,
} from "../support/source-queries.js";
import { expectError } from "../support/expect-error.js";
import { type GraphqlResult, useTestApp } from "../support/test-app.js";

const app = useTestApp();

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
    const order = await writesNothing(app, () => app.graphql(createOrderMutation, { input: { eventId: foreignEvent.id, total: 1, currency: "EUR" } }));
    expectError(order, "BAD_USER_INPUT", "input.eventId");
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
    const early = await writesNothing(app, () => app.graphql(updateEventMutation, { id: event.id, input: { endDate: "2027-11-30T00:00:00Z" } }));
    expectError(early, "BAD_USER_INPUT", "input.endDate");
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
    expectError(refused, "BAD_USER_INPUT", "id");
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
    const update = await writesNothing(app, () => app.graphql(updateEventMutation, { id: event.id, input: { title: "Back" } }, { key }));
    expectError(update, "BAD_USER_INPUT", "id");
    expect(update.errors?.[0]?.message).toMatch(/removed/);
    const newOrder = await writesNothing(app, () => app.graphql(createOrderMutation, { input: { eventId: event.id, total: 1, currency: "EUR" } }, { key }));
    expectError(newOrder, "BAD_USER_INPUT", "input.eventId");
    expect(newOrder.errors?.[0]?.message).toMatch(/removed/);
    expectError(await app.graphql(updateOrderMutation, { id: order.id, input: { total: 1 } }, { key }), "BAD_USER_INPUT", "id");
    expectError(await app.graphql(cancelOrderMutation, { id: order.id }, { key }), "BAD_USER_INPUT", "id");
    expect((await app.graphql(eventQuery, { id: event.id }, { key })).data?.event.title).toBe("Gone");
    expect((await app.graphql(orderQuery, { id: order.id }, { key })).data?.order).toEqual(removedOrder);
  });

  it("runs the doo seed's origin bodies unchanged, for live and for removed events and orders", async () => {
    const event = await createEvent(app, { title: "Seeded Fest" });
    const order = await createOrder(app, event.id);
    const expectations = async () => {
      expect(await runOriginBody(app, seedOriginBodies.eventShort, { eventId: event.id })).toEqual({ data: { event: { title: "Seeded Fest" } } });
      expect(await runOriginBody(app, seedOriginBodies.orderShort, { orderId: order.id })).toEqual({ data: { order: { hash: order.hash } } });
      expect(await runOriginBody(app, seedOriginBodies.anonymousEvent, { eventId: event.id })).toEqual({
        data: { event: { id: event.id, title: "Seeded Fest" } },
      });
      expect(await runOriginBody(app, seedOriginBodies.eventDates, { eventId: event.id })).toEqual({
        data: { event: { title: "Seeded Fest", startDate: "2027-06-01T18:00:00.000Z", endDate: "2027-06-02T02:00:00.000Z" } },
      });
    };
    await expectations();
    await app.graphql(removeOrderMutation, { id: order.id });
    await app.graphql(removeEventMutation, { id: event.id });
    expect((await app.graphql(eventQuery, { id: event.id })).data?.event.status).toBe("REMOVED");
    await expectations();
  });
});
