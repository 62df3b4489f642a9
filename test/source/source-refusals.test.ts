import { beforeAll, describe, expect, it } from "vitest";
import { createEvent, createEventGuide, createOrder, createViewerKey } from "../support/fixtures.js";
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
  unknownId,
  updateEventMutation,
  updateOrderMutation,
  writesNothing,
} from "../support/source-queries.js";
import { expectError } from "../support/expect-error.js";
import { type GraphqlResult, useTestApp } from "../support/test-app.js";

const app = useTestApp();

describe("the built-in source refuses bad input and unauthorized callers", () => {
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
      const result = await writesNothing(app, () => app.graphql(createEventMutation, { input: eventInput(overrides) }));
      expectError(result, "BAD_USER_INPUT", field);
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
      expectError(await writesNothing(app, () => app.graphql(createGuideMutation, { input: { name } })), "BAD_USER_INPUT", field);
    });

    it.each([
      ["not a date", "next friday"],
      ["impossible date", "2027-02-30T18:00:00Z"],
      ["no time", "2027-06-01"],
      ["empty", ""],
    ])("createEvent and updateEvent: invalid DateTime (%s)", async (_, value) => {
      // Refused by the DateTime scalar while coercing variables, before any resolver runs.
      const created = await writesNothing(app, () => app.graphql(createEventMutation, { input: eventInput({ startDate: value }) }));
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
        const result = await writesNothing(app, () => app.graphql(updateEventMutation, { id: event.id, input }));
        expectError(result, "BAD_USER_INPUT", field);
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
      expectError(await writesNothing(app, () => app.graphql(createOrderMutation, { input })), "BAD_USER_INPUT", field);
    });

    it("createOrder and updateOrder: a non-finite total", async () => {
      // JSON cannot say Infinity, but 1e400 parses to it; a literal in the document does too.
      const viaJson = await writesNothing(app, async () => {
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

      const viaLiteral = await writesNothing(app, () =>
        app.graphql(`mutation ($id: ID!) { createOrder(input: { eventId: $id, total: 1e400, currency: "EUR" }) { id } }`, { id: event.id }),
      );
      expectError(viaLiteral, "BAD_USER_INPUT", "input.total");

      const order = await createOrder(app, event.id);
      const update = await app.graphql(`mutation ($id: ID!) { updateOrder(id: $id, input: { total: 1e400 }) { id } }`, { id: order.id });
      expectError(update, "BAD_USER_INPUT", "input.total");
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
        expectError(await app.graphql(updateOrderMutation, { id: order.id, input }), "BAD_USER_INPUT", field);
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
      expectError(await app.graphql(query), "BAD_USER_INPUT", "first");
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
        expectError(result, "BAD_USER_INPUT", "after");
      }
    });
  });

  describe("roles", () => {
    it("a VIEWER key reads everything but every source mutation is FORBIDDEN and writes nothing", async () => {
      const viewer = await createViewerKey(app);
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
        const result = await writesNothing(app, () => app.graphql(mutation, variables, { key: viewer }));
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
        const result = await writesNothing(app, () => app.graphql(query, variables, {}));
        // Nullable fields answer null beside the error; nothing else is returned.
        expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
        expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      }
    });
  });
});

