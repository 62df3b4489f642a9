import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { createEvent, createOrder, createViewerKey } from "../support/fixtures.js";
import { createFullGroup, receiverGroupInput, requestsTo, waitForPath } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { restClient } from "../support/rest-client.js";
import { type TestApp, useTestApp } from "../support/test-app.js";
import { busiest } from "../support/busiest-window.js";

// A small batch, so a few orders take several batches: the cursor, phases and re-queuing are what is tested.
const app = useTestApp({ HOOKGATE_INITIALIZATION_BATCH: "3", LOG_LEVEL: process.env.TEST_LOG ?? "silent" }, { worker: true });
const receiver = useReceiver();
const rest = restClient(app);

const initializeMutation = `mutation ($groupId: ID!, $input: InitializeInput!) {
  initializeWebhookGroup(groupId: $groupId, input: $input) { id webhookGroupId queued delivered failed finishedAt } }`;

async function initialize(app: TestApp, groupId: string, input: Record<string, unknown>, key = app.adminKey) {
  const result = await app.graphql(initializeMutation, { groupId, input }, { key });
  if (!result.data?.initializeWebhookGroup) throw new Error(`initializeWebhookGroup failed: ${JSON.stringify(result.errors)}`);
  return result.data.initializeWebhookGroup as { id: string; queued: number; delivered: number; failed: number; finishedAt: string | null };
}

async function readInitialization(id: string, key = app.adminKey) {
  const result = await app.graphql(`query ($id: ID!) { initialization(id: $id) { id queued delivered failed finishedAt } }`, { id }, { key });
  return result.data?.initialization as { queued: number; delivered: number; failed: number; finishedAt: string | null } | null;
}

function finished(id: string, key = app.adminKey) {
  return eventually(() => readInitialization(id, key), (found) => found?.finishedAt != null, { timeoutMs: 30_000, what: `initialization ${id} finished` });
}

/** An organization of its own, so nothing another test creates falls in its groups' scope. */
async function organization(name: string) {
  return app.createOrganization(name);
}

const bodies = (path: string) => requestsTo(receiver, path).map((request) => JSON.parse(request.body) as Record<string, unknown>);

describe("initializeWebhookGroup", () => {
  it("re-pushes the scope's existing events, then their orders, in batches, through the normal path, marked as an initialization", async () => {
    const org = await organization("Init basic");
    const event = (await createEvent(app, { title: "Basic" }, org.adminKey)).id;
    const removed = (await createEvent(app, { title: "Removed" }, org.adminKey)).id;
    const orders = [];
    for (let i = 0; i < 7; i++) orders.push((await createOrder(app, event, org.adminKey)).id);
    await createOrder(app, removed, org.adminKey);
    const removedOrder = orders.pop()!;
    await app.graphql(`mutation ($id: ID!) { removeOrder(id: $id) { id } }`, { id: removedOrder }, { key: org.adminKey });
    await app.graphql(`mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: removed }, { key: org.adminKey });
    // Created after the changes above, so it has no live deliveries of them.
    const group = (await createFullGroup(app, receiverGroupInput(receiver, "/basic", ["EVENT_CREATED", "ORDER_CREATED"]), org.adminKey)).webhookGroup;

    const started = await initialize(app, group.id, { types: ["ORDER_CREATED", "EVENT_CREATED"] }, org.adminKey);
    expect(started).toMatchObject({ queued: 7, delivered: 0, failed: 0, finishedAt: null });
    const done = await finished(started.id, org.adminKey);
    expect(done).toMatchObject({ queued: 7, delivered: 7, failed: 0 });

    const received = bodies("/basic");
    expect(received).toHaveLength(7);
    // Queued events first, then orders oldest first; sent in that order give or take the pace's
    // jitter (an `ordered` group would keep it exactly).
    expect(received.map((body) => body.type).sort()).toEqual(["event_created", ...Array(6).fill("order_created")]);
    expect(received.find((body) => body.type === "event_created")).toMatchObject({ event_id: event, organization_id: org.id });
    expect(received.flatMap((body) => (body.order_id ? [body.order_id] : [])).sort()).toEqual([...orders].sort());
    const { rows: queuedOrder } = await sql<{ type: string; order_id: string | null }>`
      select type, order_id from deliveries where webhook_group_id = ${group.id} order by lane_seq`.execute(app.db);
    expect(queuedOrder.map((row) => row.order_id ?? row.type)).toEqual(["EVENT_CREATED", ...orders]);
    // The removed event and the removed order are not re-pushed.
    expect(received.some((body) => body.event_id === removed || body.order_id === removedOrder)).toBe(false);

    const log = await app.graphql(
      `query ($groupId: ID!) { deliveries(filter: { groupId: $groupId }, first: 100) { totalCount edges { node { initialization status test attemptCount } } } }`,
      { groupId: group.id },
      { key: org.adminKey },
    );
    expect(log.data!.deliveries.totalCount).toBe(7);
    for (const { node } of log.data!.deliveries.edges) expect(node).toEqual({ initialization: true, status: "SUCCEEDED", test: false, attemptCount: 1 });
    // 1 event (one batch, short: its phase ends), 6 orders (3 + 3, then an empty batch ends the last phase).
    const { rows } = await sql<{ batches: number }>`select batches from initializations where id = ${started.id}`.execute(app.db);
    expect(rows[0]!.batches).toBe(4);
  });

  it("re-pushes only the orders of one event created within the window", async () => {
    const org = await organization("Init window");
    const [a, b] = [(await createEvent(app, {}, org.adminKey)).id, (await createEvent(app, {}, org.adminKey)).id];
    const before = (await createOrder(app, a, org.adminKey)).id;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    const inside = [(await createOrder(app, a, org.adminKey)).id, (await createOrder(app, a, org.adminKey)).id];
    await createOrder(app, b, org.adminKey);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const until = new Date().toISOString();
    await createOrder(app, a, org.adminKey);
    const group = (await createFullGroup(app, receiverGroupInput(receiver, "/window", ["ORDER_CREATED"]), org.adminKey)).webhookGroup;

    const started = await initialize(app, group.id, { types: ["ORDER_CREATED"], eventId: a, since, until }, org.adminKey);
    expect(started.queued).toBe(2);
    expect(await finished(started.id, org.adminKey)).toMatchObject({ delivered: 2, failed: 0 });
    expect(bodies("/window").map((body) => body.order_id)).toEqual(inside);
    expect(inside).not.toContain(before);
  });

  it("goes at the group's maxRequestsPerSecond", async () => {
    const org = await organization("Init limited");
    const event = (await createEvent(app, {}, org.adminKey)).id;
    for (let i = 0; i < 16; i++) await createOrder(app, event, org.adminKey);
    const input = receiverGroupInput(receiver, "/limited", ["ORDER_CREATED"], { maxRequestsPerSecond: 5 });
    const group = (await createFullGroup(app, input, org.adminKey)).webhookGroup;

    const started = await initialize(app, group.id, { types: ["ORDER_CREATED"] }, org.adminKey);
    await finished(started.id, org.adminKey);
    const times = requestsTo(receiver, "/limited").map((request) => request.receivedAt);
    expect(times).toHaveLength(16);
    // Sent 1.1 s / 5 = 220 ms apart; arrival is timed in a process that may be busy (see rate-limit.test.ts).
    expect(busiest(times, 850)).toBeLessThanOrEqual(5);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(15 * 200);
  });

  it("goes at 50 a second when the group has no limit, and the group's live deliveries are not held up behind it", async () => {
    const org = await organization("Init default pace");
    const event = (await createEvent(app, {}, org.adminKey)).id;
    const count = 120;
    await sql`insert into orders (organization_id, event_id, hash, total, currency)
      select ${org.id}, ${event}, 'h' || n, 10, 'EUR' from generate_series(1, ${count}) n`.execute(app.db);
    const group = (await createFullGroup(app, receiverGroupInput(receiver, "/paced", ["ORDER_CREATED"]), org.adminKey)).webhookGroup;

    const started = await initialize(app, group.id, { types: ["ORDER_CREATED"] }, org.adminKey);
    expect(started.queued).toBe(count);
    await waitForPath(receiver, "/paced", 20);
    const liveAt = Date.now();
    const live = (await createOrder(app, event, org.adminKey)).id;
    const liveRequest = await eventually(
      () => requestsTo(receiver, "/paced").find((request) => JSON.parse(request.body).order_id === live),
      (found) => found !== undefined,
      { what: "the live delivery" },
    );
    const backfilledBefore = requestsTo(receiver, "/paced").filter((request) => request.receivedAt <= liveRequest!.receivedAt).length - 1;
    // It went out while the backfill was still under way, without waiting its turn behind it.
    expect(backfilledBefore).toBeLessThan(count - 20);
    expect(liveRequest!.receivedAt - liveAt).toBeLessThan(1_000);

    await finished(started.id, org.adminKey);
    const times = requestsTo(receiver, "/paced")
      .filter((request) => request !== liveRequest)
      .map((request) => request.receivedAt);
    expect(times).toHaveLength(count);
    expect(busiest(times, 850)).toBeLessThanOrEqual(50);
    // 120 at 1.1 s / 50 apart: about 2.6 s.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(2_000);
  });

  it("leaves an ordered group's lane to its live deliveries: failing backfilled ones do not hold them up", async () => {
    const org = await organization("Init ordered");
    const event = (await createEvent(app, {}, org.adminKey)).id;
    for (let i = 0; i < 5; i++) await createOrder(app, event, org.adminKey);
    // The partner refuses every backfilled order (each retried over its whole schedule) and takes the live one.
    let live = "";
    receiver.answerAlways((request) =>
      request.path !== "/ordered" || JSON.parse(request.body).order_id === live ? { status: 200 } : { status: 500 },
    );
    const input = receiverGroupInput(receiver, "/ordered", ["ORDER_CREATED"], { ordered: true });
    const group = (await createFullGroup(app, input, org.adminKey)).webhookGroup;
    const started = await initialize(app, group.id, { types: ["ORDER_CREATED"] }, org.adminKey);
    await waitForPath(receiver, "/ordered", 1);

    const liveAt = Date.now();
    live = (await createOrder(app, event, org.adminKey)).id;
    const liveRequest = await eventually(
      () => requestsTo(receiver, "/ordered").find((request) => JSON.parse(request.body).order_id === live),
      (found) => found !== undefined,
      { what: "the live delivery" },
    );
    // In the lane it waits for five deliveries to use up their retries (about 5 s measured here);
    // beside it, it goes at once (about 0.2 s; the bound leaves room for a loaded machine).
    expect(liveRequest!.receivedAt - liveAt).toBeLessThan(2_500);
    expect(await finished(started.id, org.adminKey)).toMatchObject({ queued: 5, failed: 5 });
    receiver.answerAlways({ status: 200 });
  });

  it("counts failed deliveries, and finishes once they have ended", async () => {
    const org = await organization("Init failing");
    const event = (await createEvent(app, {}, org.adminKey)).id;
    await createOrder(app, event, org.adminKey);
    await createOrder(app, event, org.adminKey);
    receiver.answerAlways((request) => (request.path === "/gone" ? { status: 410 } : { status: 200 }));
    const group = (await createFullGroup(app, receiverGroupInput(receiver, "/gone", ["ORDER_CREATED"]), org.adminKey)).webhookGroup;
    const started = await initialize(app, group.id, { types: ["ORDER_CREATED"] }, org.adminKey);
    expect(await finished(started.id, org.adminKey)).toMatchObject({ queued: 2, delivered: 0, failed: 2 });
    receiver.answerAlways({ status: 200 });
  });

  it("allows one initialization of a group at a time", async () => {
    const org = await organization("Init one at a time");
    const event = (await createEvent(app, {}, org.adminKey)).id;
    for (let i = 0; i < 8; i++) await createOrder(app, event, org.adminKey);
    const input = receiverGroupInput(receiver, "/once", ["ORDER_CREATED"], { maxRequestsPerSecond: 20 });
    const group = (await createFullGroup(app, input, org.adminKey)).webhookGroup;
    const first = await initialize(app, group.id, { types: ["ORDER_CREATED"] }, org.adminKey);
    const second = await app.graphql(initializeMutation, { groupId: group.id, input: { types: ["ORDER_CREATED"] } }, { key: org.adminKey });
    expect(second.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "groupId" });
    expect(second.errors?.[0]?.message).toContain(first.id);
    await finished(first.id, org.adminKey);
    const again = await initialize(app, group.id, { types: ["ORDER_CREATED"] }, org.adminKey);
    expect(again.queued).toBe(8);
  });

  it("is read by the organization's keys, viewers included, and by no other organization", async () => {
    const org = await organization("Init reading");
    const event = (await createEvent(app, {}, org.adminKey)).id;
    await createOrder(app, event, org.adminKey);
    const group = (await createFullGroup(app, receiverGroupInput(receiver, "/read", ["ORDER_CREATED"]), org.adminKey)).webhookGroup;
    const started = await initialize(app, group.id, { types: ["ORDER_CREATED"] }, org.adminKey);
    expect(await finished(started.id, await createViewerKey(app, org.adminKey))).toMatchObject({ queued: 1, delivered: 1 });
    expect(await readInitialization(started.id)).toBeNull();
    expect(await readInitialization("not-an-id", org.adminKey)).toBeNull();
  });
});

describe("doo's REST initialization", () => {
  it("POST /v1/webhooks/init/events and /orders re-push with doo's body and answer doo's envelope with the count", async () => {
    const org = await organization("Init REST");
    const [a, b] = [(await createEvent(app, { title: "A" }, org.adminKey)).id, (await createEvent(app, { title: "B" }, org.adminKey)).id];
    const ordersOfA = [(await createOrder(app, a, org.adminKey)).id, (await createOrder(app, a, org.adminKey)).id];
    await createOrder(app, b, org.adminKey);
    const group = (await createFullGroup(app, receiverGroupInput(receiver, "/rest", ["EVENT_CREATED", "ORDER_CREATED"]), org.adminKey)).webhookGroup;

    const events = await rest.call("POST", "/v1/webhooks/init/events", { key: org.adminKey, body: { configuration_id: group.id } });
    expect(events.status, events.text).toBe(200);
    expect(events.json).toEqual({
      response_status: 200,
      developer_message: "Success",
      user_message: "Success",
      data: 2,
      initialization_id: expect.any(String),
      _links: { self: { href: "http://localhost:4000/v1/webhooks/init/events" } },
    });
    await finished(events.json.initialization_id, org.adminKey);
    expect(bodies("/rest").map((body) => body.event_id).sort()).toEqual([a, b].sort());

    const orders = await rest.call("POST", "/v1/webhooks/init/orders", {
      key: org.adminKey,
      body: { configuration_id: group.id, event_id: a, from: "2020-01-01T00:00:00Z", to: null },
    });
    expect(orders.json).toMatchObject({ response_status: 200, data: 2 });
    expect(await finished(orders.json.initialization_id, org.adminKey)).toMatchObject({ queued: 2, delivered: 2, failed: 0 });
    expect(bodies("/rest").slice(2).map((body) => body.order_id).sort()).toEqual([...ordersOfA].sort());

    // A window holding nothing: nothing to send, finished at once.
    const none = await rest.call("POST", "/v1/webhooks/init/orders", { key: org.adminKey, body: { configuration_id: group.id, to: "2020-01-01T00:00:00Z" } });
    expect(none.json.data).toBe(0);
    expect(await finished(none.json.initialization_id, org.adminKey)).toMatchObject({ queued: 0, delivered: 0, failed: 0 });
  });
});
