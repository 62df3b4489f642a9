import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { checkCondition, parseCondition } from "../../src/publish/condition/validate-condition.js";
import { createEvent, createGroup, createGroupMutation } from "../support/fixtures.js";
import { startReceiver, type Receiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

// Hook conditions (Frappe's trigger conditions, in Convoy's filter spelling): checked when a
// group is created, evaluated in SQL by publish() against the publication's subject.

const at = "input.hooks[0].condition";

function refusal(value: unknown): { field: string; message: string } {
  try {
    checkCondition(value, at);
  } catch (error) {
    if (error instanceof InputError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value).slice(0, 200)}`);
}

const nested = (levels: number): Record<string, unknown> =>
  levels === 1 ? { total: 1 } : { $or: [nested(levels - 1)] };

describe("checkCondition", () => {
  // [what is wrong, condition, field named, words the message must contain]
  const refusals: Array<[string, unknown, string, RegExp]> = [
    ["a list", [{ total: 1 }], at, /must be an object/],
    ["a string", '{"total": 1}', at, /must be an object/],
    ["a number", 5, at, /must be an object/],
    ["an unknown combinator", { $not: { total: 1 } }, at, /unknown combinator \$not; use \$and or \$or/],
    ["an empty $or", { $or: [] }, `${at}.$or`, /\$or must be a non-empty list/],
    ["an $and that is no list", { $and: { total: 1 } }, `${at}.$and`, /\$and must be a non-empty list/],
    ["a scalar inside $or", { $or: [{ total: 1 }, 5] }, `${at}.$or[1]`, /must be an object/],
    ["an empty condition inside $or", { $or: [{ total: 1 }, {}] }, `${at}.$or[1]`, /must not be empty/],
    [
      "an unknown operator inside $or",
      { $or: [{ status: "OPEN" }, { total: { $between: [1, 2] } }] },
      `${at}.$or[1].total`,
      /unknown operator \$between; use \$eq, \$neq, \$gt, \$gte, \$lt, \$lte, \$in, \$nin, \$exists/,
    ],
    [
      "a bad operand deep down",
      { $and: [{ status: "OPEN" }, { $or: [{ "event.title": { $gte: {} } }] }] },
      `${at}.$and[1].$or[0].event.title.$gte`,
      /number or a string/,
    ],
    ["a path with a dash", { "event-title": 1 }, at, /"event-title" is not a path/],
    ["a path with an empty name", { "event..title": 1 }, at, /"event..title" is not a path/],
    ["a path starting with a digit", { "1st": 1 }, at, /"1st" is not a path/],
    ["an empty path", { "": 1 }, at, /"" is not a path/],
    ["a path of 9 names", { "a.b.c.d.e.f.g.h.i": 1 }, at, /a\.b\.c\.d\.e\.f\.g\.h\.i is too deep: at most 8/],
    ["a nested object instead of a path", { event: { title: "A" } }, `${at}.event`, /title is not an operator.*event\.title/],
    ["no operator", { total: {} }, `${at}.total`, /at least one operator/],
    ["a list as shorthand", { tags: ["a"] }, `${at}.tags`, /string, number, boolean or null/],
    ["a list for $eq", { total: { $eq: [1] } }, `${at}.total.$eq`, /string, number, boolean or null/],
    ["an object for $neq", { total: { $neq: { a: 1 } } }, `${at}.total.$neq`, /string, number, boolean or null/],
    ["a boolean for $gt", { total: { $gt: true } }, `${at}.total.$gt`, /number or a string/],
    ["null for $lte", { total: { $lte: null } }, `${at}.total.$lte`, /number or a string/],
    ["an empty $in", { status: { $in: [] } }, `${at}.status.$in`, /non-empty list/],
    ["a string for $nin", { status: { $nin: "OPEN" } }, `${at}.status.$nin`, /non-empty list/],
    ["an object in $in", { status: { $in: ["OPEN", { a: 1 }] } }, `${at}.status.$in[1]`, /string, number, boolean or null/],
    ["101 values in $in", { total: { $in: Array.from({ length: 101 }, (_, i) => i) } }, `${at}.total.$in`, /at most 100/],
    ["a string for $exists", { removedAt: { $exists: "yes" } }, `${at}.removedAt.$exists`, /true or false/],
    ["NUL in a value", { title: "a\u0000b" }, `${at}.title`, /NUL/],
    ["NUL in a list", { title: { $in: ["ok", "a\u0000"] } }, `${at}.title.$in[1]`, /NUL/],
    ["11 levels of conditions", nested(11), `${at}${".$or[0]".repeat(10)}`, /at most 10 levels/],
    ["51 clauses", Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i])), at, /at most 50 clauses/],
    [
      "51 clauses spread over $or and operators",
      { $or: Array.from({ length: 17 }, (_, i) => ({ [`f${i}`]: { $gt: 1, $lt: 5, $neq: 3 } })) },
      at,
      /at most 50 clauses/,
    ],
    ["more than 8 KiB", { title: { $in: Array.from({ length: 90 }, (_, i) => `${i}`.padEnd(100, "x")) } }, at, /8 KiB/],
  ];

  it.each(refusals)("refuses %s, naming its position", (_, condition, field, words) => {
    const found = refusal(condition);
    expect(found.field).toBe(field);
    expect(found.message).toMatch(words);
    expect(found.message.startsWith(`${field}: `)).toBe(true);
  });

  const valid: Array<[string, unknown]> = [
    ["a shorthand scalar", { status: "OPEN" }],
    ["null as shorthand", { cancelledAt: null }],
    ["every operator", {
      total: { $gt: 1, $gte: 1, $lt: 2, $lte: 2, $eq: 1.5, $neq: "x", $in: [1, "a", true, null], $nin: [2] },
      removedAt: { $exists: false },
    }],
    ["dotted paths", { "event.title": { $in: ["A", "B"] }, "event.startDate": { $gte: "2027-06-01" } }],
    ["nested combinators", { $or: [{ total: { $gte: 100 } }, { $and: [{ "event.title": "Gala" }, { currency: "EUR" }] }] }],
    ["a path of 8 names", { "a.b.c.d.e.f.g.h": 1 }],
    ["10 levels of conditions", nested(10)],
    ["50 clauses", Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i]))],
    ["100 values in $in", { total: { $in: Array.from({ length: 100 }, (_, i) => i) } }],
    ["an empty object (always)", {}],
  ];

  it.each(valid)("accepts %s", (_, condition) => {
    expect(() => checkCondition(condition, at)).not.toThrow();
  });

  it("stores nothing for no condition and for {}, the condition as given otherwise", () => {
    expect(parseCondition(undefined, at)).toBeNull();
    expect(parseCondition(null, at)).toBeNull();
    expect(parseCondition({}, at)).toBeNull();
    const condition = { total: { $gte: 100 } };
    expect(parseCondition(condition, at)).toEqual(condition);
  });
});

describe("hookgate_condition_matches, in PostgreSQL", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.drop();
  });

  const event = {
    id: "9c6f8c2e-0000-4000-8000-000000000001",
    title: "Summer Fest",
    description: null,
    startDate: "2027-06-01T18:00:00.000Z",
    endDate: "2027-06-02T02:00:00.000Z",
    status: "ACTIVE",
    eventGuideId: null,
    createdAt: "2027-01-10T09:00:00.000Z",
    updatedAt: "2027-01-10T09:00:00.000Z",
    removedAt: null,
  };
  const order = {
    id: "9c6f8c2e-0000-4000-8000-000000000002",
    hash: "K3J9ZQ2M4XTB",
    status: "OPEN",
    total: 150,
    currency: "EUR",
    eventId: event.id,
    createdAt: "2027-05-01T10:00:00.000Z",
    updatedAt: "2027-05-01T10:00:00.500Z",
    cancelledAt: null,
    removedAt: null,
    event,
  };
  const o = JSON.stringify(order);

  // [condition as JSON text, subject as JSON text (null: SQL null), expected, what it shows]
  const cases: Array<[string | null, string | null, boolean, string]> = [
    ['{}', o, true, "{} always matches"],
    [null, o, true, "no condition always matches"],
    ['{"total": 150}', o, true, "shorthand $eq on a number"],
    ['{"total": 150.0}', o, true, "numbers compare as numbers: 150.0 = 150"],
    ['{"total": "150"}', o, false, "a string never equals a number"],
    ['{"total": {"$eq": 150}}', o, true, "$eq"],
    ['{"total": {"$neq": 150}}', o, false, "$neq on an equal value"],
    ['{"total": {"$neq": "150"}}', o, true, "$neq across types"],
    ['{"total": {"$gt": 149.99}}', o, true, "$gt"],
    ['{"total": {"$gt": 150}}', o, false, "$gt on an equal value"],
    ['{"total": {"$gte": 150}}', o, true, "$gte on an equal value"],
    ['{"total": {"$lt": 1000}}', o, true, "$lt"],
    ['{"total": {"$lte": 149}}', o, false, "$lte"],
    ['{"total": {"$gt": "100"}}', o, false, "a number does not compare with a string"],
    ['{"total": {"$gt": 100, "$lt": 200}}', o, true, "several operators: all must hold"],
    ['{"total": {"$gt": 100, "$lt": 120}}', o, false, "several operators: one fails"],
    ['{"currency": {"$gt": "DKK"}}', o, true, "strings compare by code point"],
    ['{"currency": {"$lt": "eur"}}', o, true, "upper case sorts before lower case (code points, not collation)"],
    ['{"status": {"$in": ["OPEN", "CANCELLED"]}}', o, true, "$in"],
    ['{"status": {"$nin": ["OPEN"]}}', o, false, "$nin"],
    ['{"total": {"$in": [99, 150.00]}}', o, true, "$in compares numbers as numbers"],
    ['{"event.title": "Summer Fest"}', o, true, "a dotted path into the event"],
    ['{"event.title": {"$in": ["A", "B"]}}', o, false, "$in on a dotted path"],
    ['{"event.status": {"$neq": "REMOVED"}}', o, true, "$neq on a dotted path"],
    ['{"event": {"$exists": true}}', o, true, "$exists on an object"],
    ['{"event.startDate": {"$gte": "2027-06-01"}}', o, true, "an ISO date-time against a date"],
    ['{"event.startDate": {"$lt": "2027-06-01T20:00:00+02:00"}}', o, false, "offsets count: the same instant is not less"],
    ['{"event.startDate": {"$lte": "2027-06-01T20:00:00+02:00"}}', o, true, "offsets count: the same instant"],
    ['{"event.startDate": {"$gt": "2027-06-01T17:59:59.999Z"}}', o, true, "milliseconds count"],
    ['{"updatedAt": {"$gt": "2027-05-01T10:00:00Z"}}', o, true, "instants, not text: .500Z is after Z"],
    ['{"event.startDate": "2027-06-01T18:00:00Z"}', o, false, "$eq on strings is exact, not by instant"],
    ['{"event.endDate": {"$lt": "2027-02-30"}}', o, false, "an impossible date never raises"],
    ['{"nothing": null}', o, true, "a missing path equals null"],
    ['{"nothing": {"$neq": null}}', o, false, "a missing path is not unequal to null"],
    ['{"nothing": {"$neq": "x"}}', o, true, "a missing path is unequal to a value"],
    ['{"nothing": {"$gt": 0}}', o, false, "$gt on a missing path"],
    ['{"nothing": {"$lt": 0}}', o, false, "$lt on a missing path"],
    ['{"nothing": {"$exists": false}}', o, true, "$exists false on a missing path"],
    ['{"nothing": {"$exists": true}}', o, false, "$exists true on a missing path"],
    ['{"nothing": {"$in": [null]}}', o, true, "$in [null] on a missing path"],
    ['{"nothing": {"$nin": ["x"]}}', o, true, "$nin on a missing path"],
    ['{"cancelledAt": null}', o, true, "JSON null equals null"],
    ['{"cancelledAt": {"$exists": true}}', o, false, "$exists true on JSON null"],
    ['{"event.description": {"$exists": false}}', o, true, "$exists false on a nested JSON null"],
    ['{"cancelledAt": {"$gt": "2000-01-01"}}', o, false, "comparisons with null are false"],
    ['{"total.amount": {"$exists": true}}', o, false, "a path through a number is missing"],
    ['{"currency.code": null}', o, true, "a path through a string is missing, so null"],
    ['{"status": "OPEN", "currency": "USD"}', o, false, "entries of one object: all must hold"],
    ['{"$and": [{"total": {"$gte": 100}}, {"currency": "EUR"}]}', o, true, "$and, all hold"],
    ['{"$and": [{"total": {"$gte": 100}}, {"currency": "USD"}]}', o, false, "$and, one fails"],
    ['{"$or": [{"total": {"$lt": 10}}, {"event.title": {"$in": ["Summer Fest"]}}]}', o, true, "$or, one holds"],
    ['{"$or": [{"total": {"$lt": 10}}, {"event.title": "Gala"}]}', o, false, "$or, none holds"],
    [
      '{"$or": [{"$and": [{"status": "OPEN"}, {"total": {"$gt": 1000}}]}, {"$and": [{"status": "OPEN"}, {"event.status": "ACTIVE"}]}]}',
      o, true, "nested $or of $and",
    ],
    ['{"$and": [{"$or": [{"currency": "USD"}, {"currency": "DKK"}]}, {"total": 150}]}', o, false, "nested $and of $or"],
    ['{"flag": true}', '{"flag": true}', true, "booleans"],
    ['{"flag": 1}', '{"flag": true}', false, "a boolean is not a number"],
    ['{"flag": {"$in": [true]}}', '{"flag": true}', true, "$in with a boolean"],
    ['{"tags": {"$in": ["music"]}}', '{"tags": ["music"]}', false, "a list is not one of the values"],
    ['{"a.b.c.d.e.f.g.h": 1}', '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}', true, "a path of 8 names"],
    ['{"seats": {"$exists": false}}', null, true, "no subject counts as {}"],
    ['{"title": null}', '"just text"', true, "a subject that is no object has no paths"],
    ['{"total": {"$between": [1, 2]}}', o, false, "an unknown operator (stored unchecked) never matches"],
    ['{"$not": {"total": 1}}', o, false, "an unknown combinator never matches"],
    ['{"$or": []}', o, false, "an empty $or never matches"],
  ];

  const table = cases.map(([condition, subject, expected, note]) => ({ condition, subject, expected, note }));
  it.each(table)("$note: $condition is $expected", async ({ condition, subject, expected }) => {
    const { rows } = await sql<{ matches: boolean }>`
      select hookgate_condition_matches(${condition}::jsonb, ${subject}::jsonb) as matches`.execute(test.db);
    expect(rows[0]!.matches).toBe(expected);
  });

  it("holds only cases the validator accepts, but for the three stored unchecked on purpose", () => {
    const refused = cases.flatMap(([condition]) => {
      if (condition === null) return [];
      try {
        checkCondition(JSON.parse(condition) as unknown, at);
        return [];
      } catch {
        return [condition];
      }
    });
    expect(refused).toEqual(['{"total": {"$between": [1, 2]}}', '{"$not": {"total": 1}}', '{"$or": []}']);
  });
});

describe("conditions, end to end", () => {
  const app = useTestApp({}, { worker: true });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  async function gql(query: string, variables: Record<string, unknown>) {
    const result = await app.graphql(query, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!;
  }
  const createOrder = async (eventId: string, total: number) =>
    (await gql(`mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, {
      input: { eventId, total, currency: "EUR" },
    })).createOrder as { id: string };

  /** The deliveries publish wrote for a hook: final once the change's mutation has answered. */
  async function deliveriesOf(hookId: string) {
    const { rows } = await sql<{ event_id: string | null; order_id: string | null; type: string }>`
      select event_id, order_id, type from deliveries where hook_id = ${hookId} order by created_at, id`.execute(app.db);
    return rows;
  }

  /** The requests to `path`, once `count` of them arrived (and every delivery is sent). */
  async function requestsTo(path: string, count: number) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = receiver.requests.filter((request) => request.path === path);
      if (found.length >= count) return found.map((request) => JSON.parse(request.body) as Record<string, any>);
      if (Date.now() > deadline) throw new Error(`${path} got ${found.length} requests, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

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
    const bodies = await requestsTo("/big-orders", 1);
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
    const shown = await gql(
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
    const bodies = await requestsTo("/a-or-b", 2);
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
    await gql(`mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: galaOrder.id });
    await gql(`mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: otherOrder.id });

    const [created, cancelled] = webhookGroup.hooks as Array<{ id: string }>;
    expect((await deliveriesOf(created!.id)).map((row) => row.order_id)).toEqual([galaOrder.id]);
    expect((await deliveriesOf(cancelled!.id)).map((row) => row.order_id)).toEqual([galaOrder.id]);
    expect((await requestsTo("/gala-created", 1)).map((body) => body.order_id)).toEqual([galaOrder.id]);
    expect((await requestsTo("/gala-cancelled", 1)).map((body) => body.order_id)).toEqual([galaOrder.id]);
  });

  it("evaluates publishEvent's data, and {} when it sends none", async () => {
    const { webhookGroup } = await createGroup(app, {
      name: "Seats left",
      hooks: [{ type: "EVENT_UPDATED", endpoint: `${receiver.url}/seats-left`, condition: { "seats.free": { $gt: 0 } } }],
    });
    const publish = async (data: unknown) => {
      const input: Record<string, unknown> = { type: "EVENT_UPDATED", eventId: randomUUID() };
      if (data !== undefined) input.data = data;
      const result = await gql(
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
    const bodies = await requestsTo("/seats-left", 1);
    expect(bodies.map((body) => body.event_id)).toEqual([free.eventId]);
    const { rows } = await sql<{ external: boolean }>`
      select external from publications where id in (${free.publicationId}, ${none.publicationId})`.execute(app.db);
    expect(rows.map((row) => row.external)).toEqual([true, true]);
  });

  it("answers each hook's condition as stored: null for none and for {}", async () => {
    const condition = { $or: [{ total: { $gte: 100 } }, { "event.title": { $in: ["Summer Fest"] } }] };
    const { webhookGroup } = await createGroup(app, {
      name: "Shown back",
      hooks: [
        { type: "ORDER_CREATED", endpoint: "https://partner.example/a", condition },
        { type: "ORDER_CREATED", endpoint: "https://partner.example/b", condition: {} },
        { type: "ORDER_CREATED", endpoint: "https://partner.example/c" },
        { type: "ORDER_CREATED", endpoint: "https://partner.example/d", condition: null },
      ],
    });
    const { webhookGroup: read } = (await gql(`query ($id: ID!) { webhookGroup(id: $id) { hooks { endpoint condition } } }`, {
      id: webhookGroup.id,
    })) as { webhookGroup: { hooks: Array<{ endpoint: string; condition: unknown }> } };
    expect(read.hooks).toEqual([
      { endpoint: "https://partner.example/a", condition },
      { endpoint: "https://partner.example/b", condition: null },
      { endpoint: "https://partner.example/c", condition: null },
      { endpoint: "https://partner.example/d", condition: null },
    ]);
  });

  it("refuses a bad condition with BAD_USER_INPUT naming its position, and writes nothing", async () => {
    const snapshot = async () =>
      JSON.stringify(
        (await sql`select (select count(*) from webhook_groups) as groups, (select count(*) from hooks) as hooks`.execute(app.db))
          .rows,
      );
    const before = await snapshot();
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
      expect(result.data?.createWebhookGroup ?? null).toBeNull();
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toEqual({ code: "BAD_USER_INPUT", field });
      expect(result.errors![0]!.message).toMatch(words);
    }
    expect(await snapshot()).toBe(before);
  });
});
