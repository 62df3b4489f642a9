import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/verify-webhook.js";
import { isFinished, readDelivery, waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { createApiKey, createEvent, createOrder } from "../support/fixtures.js";
import { createFullGroup, plainHeaders, readGroup, requestsTo, setEnabled, waitForPath } from "../support/group-helpers.js";
import type { ReceivedRequest } from "../support/receiver.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { scrape } from "../observability/scrape.js";

// Operational webhooks end to end: a real worker, real partners on loopback. Each test works in
// an organization of its own, so the organization-wide groups it creates hear only its changes.
// Three rounds, 1 s and then 100 ms apart: a delivery to a partner that always answers 500 ends
// FAILED in about a second, long before the 1 h failure clock could disable its group; a test that
// needs the group disabled moves its clock back instead. The first second leaves the group's health
// (written just after a round is recorded) time to land before round 2 falls due, on a loaded machine too.

const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "1s,100ms", HOOKGATE_AUTO_DISABLE_AFTER: "1h" }, { worker: true });
const receiver = useReceiver();
const operationalTypes = ["GROUP_DISABLED", "DELIVERY_FAILED", "GROUP_RECOVERED"];

beforeAll(() => {
  // The path decides the answer: partners under /down/ are broken, the others healthy.
  receiver.answerAlways((request) => (request.path.startsWith("/down/") ? { status: 500, body: "down" } : { status: 200 }));
});

/** An organization-wide group posting `types` to `path`; with its signing secret. */
async function group(key: string, path: string, types: string[], name = path) {
  const hooks = types.map((type) => ({ type, endpoint: `${receiver.url}${path}` }));
  const created = await createFullGroup(app, { name, hooks }, key);
  return { id: created.webhookGroup.id, secret: created.signingSecret };
}

/** The request's body once its signature checks out with the group's secret; its webhook-id beside. */
function verified(request: ReceivedRequest, secret: string) {
  const { id } = verifyWebhook({ secret, headers: plainHeaders(request.headers), body: request.body });
  return { webhookId: id, payload: JSON.parse(request.body) as Record<string, unknown> };
}

async function failingGroupClock(groupId: string, since: string) {
  await sql`update webhook_groups set failing_since = now() - ${since}::interval where id = ${groupId}`.execute(app.db);
}

describe("operational webhooks", () => {
  it("DELIVERY_FAILED reaches the organization's subscribed group, signed; the failing group never hears about itself", async () => {
    const org = await app.createOrganization("delivery failed");
    const watcher = await group(org.adminKey, "/t1/watcher", operationalTypes, "ops watcher");
    // Subscribed to operational events too, at a healthy path: it must still never get its own.
    const failing = await group(org.adminKey, "/down/t1/orders", ["ORDER_CREATED"], "failing partner");
    const failingOps = await createFullGroup(app, {
      name: "failing partner, ops",
      hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}/down/t1/orders-2` }, { type: "DELIVERY_FAILED", endpoint: `${receiver.url}/t1/own-ops` }],
    }, org.adminKey);

    const event = await createEvent(app, {}, org.adminKey);
    const order = await createOrder(app, event.id, org.adminKey);
    const [failedId] = await waitForDeliveryIds(app, { groupId: failing.id, orderId: order.id }, 1, { key: org.adminKey });
    const failed = await waitForDelivery(app, failedId!, isFinished, { key: org.adminKey });
    expect(failed.status).toBe("FAILED");
    expect(failed.attempts).toHaveLength(3);

    const [request] = await waitForPath(receiver, "/t1/watcher", 2);
    await waitUntilSettled(app, { organizationId: org.id });
    const notices = requestsTo(receiver, "/t1/watcher").map((received) => verified(received, watcher.secret));
    // One notice per failed delivery: the failing group's and the second group's order deliveries.
    expect(notices.map((notice) => notice.payload.group_id).sort()).toEqual([failing.id, failingOps.webhookGroup.id].sort());
    const notice = notices.find((candidate) => candidate.payload.group_id === failing.id)!;
    expect(notice.payload).toEqual({
      type: "delivery_failed",
      occurred_at: expect.any(String),
      organization_id: org.id,
      group_id: failing.id,
      group_name: "failing partner",
      group_scope: "organization",
      group_event_id: null,
      group_event_guide_id: null,
      failed_delivery_id: failedId,
      failed_delivery_type: "order_created",
      event_id: event.id,
      order_id: order.id,
      attempts: 3,
      last_response_status: 500,
      last_error: expect.any(String),
      reason: expect.stringContaining("retry schedule"),
      delivery_id: notice.webhookId,
    });
    expect(Object.keys(notice.payload)[0]).toBe("type");
    expect(Object.keys(notice.payload).at(-1)).toBe("delivery_id");
    expect(Date.parse(notice.payload.occurred_at as string)).toBeGreaterThanOrEqual(Date.parse(failed.finishedAt!) - 1_000);
    expect(request!.headers["webhook-mode"]).toBeUndefined();

    // In the watcher's log like any delivery, so it can be read and redelivered.
    const logged = await readDelivery(app, notice.webhookId, org.adminKey);
    expect(logged).toMatchObject({ type: "DELIVERY_FAILED", status: "SUCCEEDED", eventId: null, orderId: null });
    const redelivered = await app.graphql(`mutation ($id: ID!) { redeliver(deliveryId: $id) { id } }`, { id: notice.webhookId }, { key: org.adminKey });
    expect(redelivered.errors).toBeUndefined();
    await waitForPath(receiver, "/t1/watcher", 3);
    const again = verified(requestsTo(receiver, "/t1/watcher")[2]!, watcher.secret);
    expect(again).toEqual(notice);

    // The second group heard about the first group's failure only, never its own.
    await waitUntilSettled(app, { organizationId: org.id });
    expect(requestsTo(receiver, "/t1/own-ops").map((received) => JSON.parse(received.body).group_id)).toEqual([failing.id]);
  });

  it("a sandbox group does not hear about live groups, nor a live group about sandbox ones", async () => {
    const org = await app.createOrganization("modes");
    const sandboxKey = (await createApiKey(app, "ADMIN", org.adminKey, { mode: "SANDBOX" })).apiKey;
    await group(sandboxKey, "/t2/sandbox-watcher", operationalTypes);
    const liveWatcher = await group(org.adminKey, "/t2/live-watcher", operationalTypes);
    await group(org.adminKey, "/down/t2/live", ["ORDER_CREATED"]);
    await group(sandboxKey, "/down/t2/sandbox", ["ORDER_CREATED"]);

    const liveEvent = await createEvent(app, {}, org.adminKey);
    await createOrder(app, liveEvent.id, org.adminKey);
    const sandboxEvent = await createEvent(app, {}, sandboxKey);
    await createOrder(app, sandboxEvent.id, sandboxKey);
    await waitForPath(receiver, "/t2/live-watcher");
    await waitForPath(receiver, "/t2/sandbox-watcher");
    await waitUntilSettled(app, { organizationId: org.id });

    const live = requestsTo(receiver, "/t2/live-watcher");
    expect(live).toHaveLength(1);
    expect(verified(live[0]!, liveWatcher.secret).payload.event_id).toBe(liveEvent.id);
    const sandbox = requestsTo(receiver, "/t2/sandbox-watcher");
    expect(sandbox).toHaveLength(1);
    expect(JSON.parse(sandbox[0]!.body).event_id).toBe(sandboxEvent.id);
    expect(sandbox[0]!.headers["webhook-mode"]).toBe("sandbox");
  });

  it("no loop: an operational delivery that fails announces nothing, so two failing groups do not feed each other", async () => {
    const org = await app.createOrganization("no loop");
    // Each failing group subscribes to the other's failures at a broken endpoint.
    const first = await group(org.adminKey, "/down/t3/first", ["ORDER_CREATED", "DELIVERY_FAILED"]);
    const second = await group(org.adminKey, "/down/t3/second", ["DELIVERY_FAILED"]);

    const event = await createEvent(app, {}, org.adminKey);
    await createOrder(app, event.id, org.adminKey);
    // The order's delivery fails (3 attempts), which the second group hears of — and fails too (3 attempts).
    await waitForPath(receiver, "/down/t3/second", 3);
    await waitUntilSettled(app, { organizationId: org.id });

    const { rows } = await sql<{ type: string; webhook_group_id: string; status: string }>`
      select type, webhook_group_id, status from deliveries where organization_id = ${org.id} order by created_at`.execute(app.db);
    expect(rows).toEqual([
      { type: "ORDER_CREATED", webhook_group_id: first.id, status: "FAILED" },
      { type: "DELIVERY_FAILED", webhook_group_id: second.id, status: "FAILED" },
    ]);
    expect(requestsTo(receiver, "/down/t3/first")).toHaveLength(3);
    expect(requestsTo(receiver, "/down/t3/second")).toHaveLength(3);
    expect(JSON.parse(requestsTo(receiver, "/down/t3/second")[0]!.body)).toMatchObject({ type: "delivery_failed", group_id: first.id });
  });

  it("GROUP_DISABLED when hookgate disables a failing group, GROUP_RECOVERED when it is enabled again; by hand, neither", async () => {
    const org = await app.createOrganization("disable and recover");
    const watcher = await group(org.adminKey, "/t4/watcher", operationalTypes, "ops watcher");
    const failing = await group(org.adminKey, "/down/t4/orders", ["ORDER_CREATED", ...operationalTypes], "failing partner");
    const event = await createEvent(app, {}, org.adminKey);

    // Failing for longer than HOOKGATE_AUTO_DISABLE_AFTER already: the next failure disables it.
    await failingGroupClock(failing.id, "2 hours");
    const order = await createOrder(app, event.id, org.adminKey);
    const [disabledRequest] = await waitForPath(receiver, "/t4/watcher");
    const disabled = await readGroup(app, failing.id, org.adminKey);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("HOOKGATE_AUTO_DISABLE_AFTER") });
    const disabledNotice = verified(disabledRequest!, watcher.secret);
    expect(disabledNotice.payload).toEqual({
      type: "group_disabled",
      occurred_at: expect.any(String),
      organization_id: org.id,
      group_id: failing.id,
      group_name: "failing partner",
      group_scope: "organization",
      group_event_id: null,
      group_event_guide_id: null,
      failing_since: expect.any(String),
      disabled_at: disabled!.disabledAt,
      reason: disabled!.disabledReason,
      delivery_id: disabledNotice.webhookId,
    });

    // The order's delivery then ends FAILED unsent ("the group was disabled"): it did not use up its
    // schedule, and the organization already heard why, so no DELIVERY_FAILED follows.
    const [orderDeliveryId] = await waitForDeliveryIds(app, { orderId: order.id }, 1, { key: org.adminKey });
    const stopped = await waitForDelivery(app, orderDeliveryId!, isFinished, { key: org.adminKey });
    expect(stopped.status).toBe("FAILED");
    expect(stopped.attempts.at(-1)!.error).toBe("not sent: the webhook group was disabled");
    await waitUntilSettled(app, { organizationId: org.id });
    expect(requestsTo(receiver, "/t4/watcher")).toHaveLength(1);

    // Enabled again: GROUP_RECOVERED, naming the disable it recovers from.
    expect((await setEnabled(app, failing.id, true, org.adminKey)).errors).toBeUndefined();
    const [, recoveredRequest] = await waitForPath(receiver, "/t4/watcher", 2);
    const recovered = verified(recoveredRequest!, watcher.secret);
    expect(recovered.payload).toMatchObject({
      type: "group_recovered",
      organization_id: org.id,
      group_id: failing.id,
      group_name: "failing partner",
      disabled_at: disabled!.disabledAt,
      disabled_reason: disabled!.disabledReason,
      reason: expect.stringContaining("setWebhookGroupEnabled"),
      delivery_id: recovered.webhookId,
    });

    // By hand, off and on again: hookgate announces neither (the integrator did it), and the
    // watcher may switch itself too without a word.
    expect((await setEnabled(app, failing.id, false, org.adminKey)).errors).toBeUndefined();
    expect((await setEnabled(app, failing.id, true, org.adminKey)).errors).toBeUndefined();
    await waitUntilSettled(app, { organizationId: org.id });
    expect(requestsTo(receiver, "/t4/watcher")).toHaveLength(2);
    // The group that failed heard nothing of all this about itself: only the order it failed to take.
    expect(requestsTo(receiver, "/down/t4/orders").map((received) => JSON.parse(received.body).type)).toEqual(["order_created"]);
  });

  it("hookgate_publications_total counts each notice hookgate writes, by its type", async () => {
    const counted = async () => {
      const metrics = await scrape(app.url);
      return Object.fromEntries(operationalTypes.map((type) => [type, metrics.value("hookgate_publications_total", { type })]));
    };
    const before = await counted();
    // Every type's series exists from the start.
    for (const type of operationalTypes) expect(before[type], type).toEqual(expect.any(Number));

    const org = await app.createOrganization("counted notices");
    await group(org.adminKey, "/t5/watcher", operationalTypes, "ops watcher");
    const failing = await group(org.adminKey, "/down/t5/orders", ["ORDER_CREATED"], "failing partner");
    const event = await createEvent(app, {}, org.adminKey);
    // One delivery FAILED for good: DELIVERY_FAILED.
    await createOrder(app, event.id, org.adminKey);
    await waitForPath(receiver, "/t5/watcher", 1);
    await waitUntilSettled(app, { organizationId: org.id });
    // Then failing past HOOKGATE_AUTO_DISABLE_AFTER: the next failure disables it, GROUP_DISABLED.
    await failingGroupClock(failing.id, "2 hours");
    await createOrder(app, event.id, org.adminKey);
    await waitForPath(receiver, "/t5/watcher", 2);
    await waitUntilSettled(app, { organizationId: org.id });
    // Enabled again: GROUP_RECOVERED.
    expect((await setEnabled(app, failing.id, true, org.adminKey)).errors).toBeUndefined();
    await waitForPath(receiver, "/t5/watcher", 3);

    const after = await counted();
    expect(Object.fromEntries(operationalTypes.map((type) => [type, after[type]! - before[type]!]))).toEqual({
      GROUP_DISABLED: 1, DELIVERY_FAILED: 1, GROUP_RECOVERED: 1,
    });
  });
});
