import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/index.js";
import { waitForDelivery } from "../support/delivery-log.js";
import { createApiKey, createEvent, createOrder, publishEvent } from "../support/fixtures.js";
import { expectError } from "../support/expect-error.js";
import { createFullGroup, plainHeaders, receiverGroupInput, requestsTo, waitForPath } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { restClient } from "../support/rest-client.js";
import { useTestApp } from "../support/test-app.js";

// Issue 12, part 1: what a SANDBOX key publishes reaches SANDBOX groups only, what a LIVE key
// publishes LIVE groups only; sandbox deliveries say so in `webhook-mode: sandbox`. A partner
// points a sandbox group at its staging endpoint and tests end to end without one live delivery.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
const rest = restClient(app);

let sandboxKey = "";
let eventId = "";
const live = { id: "", secret: "" };
const sandbox = { id: "", secret: "" };

const deliveriesQuery = `query ($filter: DeliveryFilter) {
  deliveries(filter: $filter, first: 100) { totalCount edges { node { id mode webhookGroupId test } } } }`;

async function deliveries(filter: Record<string, unknown>, key = app.adminKey) {
  const result = await app.graphql(deliveriesQuery, { filter }, { key });
  expect(result.errors).toBeUndefined();
  return result.data!.deliveries.edges.map((edge: { node: Record<string, unknown> }) => edge.node) as Array<{
    id: string;
    mode: string;
    webhookGroupId: string;
    test: boolean;
  }>;
}

beforeAll(async () => {
  const created = await createApiKey(app, "ADMIN", app.adminKey, { mode: "SANDBOX" });
  expect(created).toMatchObject({ role: "ADMIN", mode: "SANDBOX", groupIds: null });
  sandboxKey = created.apiKey;
  eventId = (await createEvent(app, { title: "Modes" })).id;
  const types = ["ORDER_CREATED", "EVENT_UPDATED"];
  const liveGroup = await createFullGroup(app, receiverGroupInput(receiver, "/live", types, { eventId }));
  const sandboxGroup = await createFullGroup(app, receiverGroupInput(receiver, "/staging", types, { eventId }), sandboxKey);
  Object.assign(live, { id: liveGroup.webhookGroup.id, secret: liveGroup.signingSecret });
  Object.assign(sandbox, { id: sandboxGroup.webhookGroup.id, secret: sandboxGroup.signingSecret });
});

describe("live and sandbox", () => {
  it("the first-start admin key is LIVE and reaches every group; a group has its creator's mode", async () => {
    const viewer = await app.graphql(`{ viewer { mode groupIds apiKeys { id mode groupIds } } }`);
    expect(viewer.data!.viewer).toMatchObject({ mode: "LIVE", groupIds: null });
    expect(viewer.data!.viewer.apiKeys.map((key: { mode: string }) => key.mode).sort()).toEqual(["LIVE", "SANDBOX"]);
    const asSandbox = await app.graphql(`{ viewer { mode groupIds apiKeys { id } } }`, {}, { key: sandboxKey });
    expect(asSandbox.data!.viewer).toEqual({ mode: "SANDBOX", groupIds: null, apiKeys: [] });
    const groups = await app.graphql(`query ($a: ID!, $b: ID!) { a: webhookGroup(id: $a) { mode } b: webhookGroup(id: $b) { mode } }`, {
      a: live.id,
      b: sandbox.id,
    });
    expect(groups.data).toEqual({ a: { mode: "LIVE" }, b: { mode: "SANDBOX" } });
  });

  it("an order created with the SANDBOX key reaches the sandbox group only, marked and signed with its secret", async () => {
    const order = await createOrder(app, eventId, sandboxKey);
    // Deliveries are written with the change, in its transaction: what exists now is all there is.
    const created = await app.db.selectFrom("deliveries").select(["webhook_group_id", "mode"]).where("order_id", "=", order.id).execute();
    expect(created).toEqual([{ webhook_group_id: sandbox.id, mode: "SANDBOX" }]);
    const [request] = await waitForPath(receiver, "/staging");
    expect(request!.headers["webhook-mode"]).toBe("sandbox");
    // The header is not signed; the group's own secret is what tells sandbox from live.
    const verified = verifyWebhook({ secret: sandbox.secret, headers: plainHeaders(request!.headers), body: request!.body });
    expect(() => verifyWebhook({ secret: live.secret, headers: plainHeaders(request!.headers), body: request!.body })).toThrow();
    expect(JSON.parse(request!.body)).toMatchObject({ type: "order_created", order_id: order.id });
    const delivery = await waitForDelivery(app, verified.id, (read) => read.status === "SUCCEEDED");
    expect(delivery.attempts[0]!.requestHeaders["webhook-mode"]).toBe("sandbox");
    expect(requestsTo(receiver, "/live")).toEqual([]);
  });

  it("an order created with a LIVE key reaches the live group only, without the sandbox header", async () => {
    const before = requestsTo(receiver, "/staging").length;
    const order = await createOrder(app, eventId);
    const [request] = await waitForPath(receiver, "/live");
    expect(request!.headers["webhook-mode"]).toBeUndefined();
    expect(JSON.parse(request!.body)).toMatchObject({ order_id: order.id });
    verifyWebhook({ secret: live.secret, headers: plainHeaders(request!.headers), body: request!.body });
    await waitForDelivery(app, request!.headers["webhook-id"] as string, (read) => read.status === "SUCCEEDED");
    expect(requestsTo(receiver, "/staging")).toHaveLength(before);
  });

  it("publishEvent follows the key's mode, and an idempotency key used in sandbox never holds back a live publication", async () => {
    const input = { type: "EVENT_UPDATED", eventId, idempotencyKey: `modes-${randomUUID()}` };
    const inSandbox = await publishEvent(app, input, sandboxKey);
    expect(inSandbox).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(await publishEvent(app, input, sandboxKey)).toEqual({ ...inSandbox, duplicate: true });
    const inLive = await publishEvent(app, input);
    expect(inLive).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(inLive.publicationId).not.toBe(inSandbox.publicationId);
    const byGroup = await deliveries({ type: "EVENT_UPDATED" });
    expect(byGroup.map((delivery) => [delivery.webhookGroupId, delivery.mode]).sort()).toEqual(
      [[live.id, "LIVE"], [sandbox.id, "SANDBOX"]].sort(),
    );
  });

  it("Delivery.mode is shown and DeliveryFilter.mode filters the log", async () => {
    const all = await deliveries({});
    const sandboxOnly = await deliveries({ mode: "SANDBOX" });
    const liveOnly = await deliveries({ mode: "LIVE" });
    expect(sandboxOnly.length).toBeGreaterThan(0);
    expect(liveOnly.length).toBeGreaterThan(0);
    expect(sandboxOnly.every((delivery) => delivery.mode === "SANDBOX" && delivery.webhookGroupId === sandbox.id)).toBe(true);
    expect(liveOnly.every((delivery) => delivery.mode === "LIVE" && delivery.webhookGroupId === live.id)).toBe(true);
    expect(sandboxOnly.length + liveOnly.length).toBe(all.length);
  });

  it("a SANDBOX key sees and acts on sandbox groups and deliveries only: a live one answers as an unknown id", async () => {
    const list = await app.graphql(`{ webhookGroups(first: 100) { totalCount edges { node { id mode } } } }`, {}, { key: sandboxKey });
    expect(list.data!.webhookGroups).toEqual({ totalCount: 1, edges: [{ node: { id: sandbox.id, mode: "SANDBOX" } }] });
    expect((await deliveries({}, sandboxKey)).every((delivery) => delivery.mode === "SANDBOX")).toBe(true);
    expect(await deliveries({ mode: "LIVE" }, sandboxKey)).toEqual([]);

    const liveDelivery = (await deliveries({ mode: "LIVE" }))[0]!.id;
    const operations: Array<[string, (id: string) => Record<string, unknown>, string]> = [
      [`query ($id: ID!) { webhookGroup(id: $id) { id } }`, (id) => ({ id }), live.id],
      [`query ($id: ID!) { delivery(id: $id) { id } }`, (id) => ({ id }), liveDelivery],
      [`mutation ($id: ID!) { redeliver(deliveryId: $id) { id } }`, (id) => ({ id }), liveDelivery],
      [`mutation ($id: ID!) { sendTestDelivery(groupId: $id, hookType: ORDER_CREATED) { id } }`, (id) => ({ id }), live.id],
      [`mutation ($id: ID!) { setWebhookGroupEnabled(id: $id, enabled: false) { id } }`, (id) => ({ id }), live.id],
      [`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, (id) => ({ id }), live.id],
      [`mutation ($id: ID!) { recoverDeliveries(groupId: $id, since: "2020-01-01T00:00:00Z") }`, (id) => ({ id }), live.id],
      [`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, (id) => ({ id }), live.id],
    ];
    for (const [operation, variables, id] of operations) {
      const other = await app.graphql(operation, variables(id), { key: sandboxKey });
      const unknownId = randomUUID();
      const unknown = await app.graphql(operation, variables(unknownId), { key: sandboxKey });
      expect(JSON.stringify(other).replaceAll(id, "<id>"), operation).toBe(JSON.stringify(unknown).replaceAll(unknownId, "<id>"));
    }
    const still = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id enabled } }`, { id: live.id });
    expect(still.data!.webhookGroup).toEqual({ id: live.id, enabled: true });
  });

  it("a test delivery to a sandbox group carries the sandbox header", async () => {
    const before = requestsTo(receiver, "/staging").length;
    const sent = await app.graphql(`mutation ($id: ID!) { sendTestDelivery(groupId: $id, hookType: ORDER_CREATED) { id mode test } }`, {
      id: sandbox.id,
    }, { key: sandboxKey });
    expect(sent.data!.sendTestDelivery).toMatchObject({ mode: "SANDBOX", test: true });
    const requests = await waitForPath(receiver, "/staging", before + 1);
    expect(requests.at(-1)!.headers["webhook-mode"]).toBe("sandbox");
  });

  it("a replacement keeps the replaced group's mode, whoever replaces it", async () => {
    const group = await createFullGroup(app, receiverGroupInput(receiver, "/replaced", ["ORDER_CREATED"], { eventId }), sandboxKey);
    const replace = `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id mode } } }`;
    const byLive = await app.graphql(replace, { id: group.webhookGroup.id, input: receiverGroupInput(receiver, "/replaced-2", ["ORDER_CREATED"], { eventId }) });
    expect(byLive.data!.replaceWebhookGroup.webhookGroup.mode).toBe("SANDBOX");
    const bySandbox = await app.graphql(replace, {
      id: byLive.data!.replaceWebhookGroup.webhookGroup.id,
      input: receiverGroupInput(receiver, "/replaced-3", ["ORDER_CREATED"], { eventId }),
    }, { key: sandboxKey });
    expect(bySandbox.data!.replaceWebhookGroup.webhookGroup.mode).toBe("SANDBOX");
    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: bySandbox.data!.replaceWebhookGroup.webhookGroup.id });
  });

  it("a SANDBOX key manages no API keys (it could make a LIVE one)", async () => {
    expectError(await app.graphql(`mutation { createApiKey(role: VIEWER, mode: SANDBOX) { id } }`, {}, { key: sandboxKey }), "FORBIDDEN");
    const keyId = (await app.graphql(`{ viewer { apiKeyId } }`)).data!.viewer.apiKeyId;
    expectError(await app.graphql(`mutation ($id: ID!) { revokeApiKey(id: $id) }`, { id: keyId }, { key: sandboxKey }), "FORBIDDEN");
  });

  it("the organization's last LIVE ADMIN key for every group cannot be revoked, though a SANDBOX ADMIN key remains", async () => {
    const other = await app.createOrganization("Last key");
    const sandboxAdmin = await createApiKey(app, "ADMIN", other.adminKey, { mode: "SANDBOX" });
    const self = (await app.graphql(`{ viewer { apiKeyId } }`, {}, { key: other.adminKey })).data!.viewer.apiKeyId;
    expectError(await app.graphql(`mutation ($id: ID!) { revokeApiKey(id: $id) }`, { id: self }, { key: other.adminKey }), "BAD_USER_INPUT", "id");
    expect((await app.graphql(`mutation ($id: ID!) { revokeApiKey(id: $id) }`, { id: sandboxAdmin.id }, { key: other.adminKey })).data).toEqual({
      revokeApiKey: true,
    });
  });

  it("doo REST: a SANDBOX key creates sandbox groups and lists sandbox groups only", async () => {
    const organizationId = app.defaultOrganizationId;
    const body = { name: "doo sandbox", event_id: eventId, hooks: [{ type: "order_created", endpoint: `${receiver.url}/doo-staging` }] };
    const created = await rest.call("POST", `/v1/team/${organizationId}/webhooks`, { key: sandboxKey, body });
    expect(created.status).toBe(200);
    const read = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { mode } }`, { id: created.json.data });
    expect(read.data!.webhookGroup).toEqual({ mode: "SANDBOX" });
    const listed = await rest.call("GET", `/v1/team/${organizationId}/webhooks`, { key: sandboxKey });
    const ids = listed.json._embedded.webhooks.map((webhook: { id: string }) => webhook.id);
    expect(ids).toContain(created.json.data);
    expect(ids).toContain(sandbox.id);
    expect(ids).not.toContain(live.id);
    expect(listed.json.total_items).toBe(ids.length);
    // Deleting a live group with a sandbox key answers 204, as for any id, and deletes nothing.
    expect((await rest.call("DELETE", `/v1/webhooks/${live.id}`, { key: sandboxKey })).status).toBe(204);
    expect((await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id } }`, { id: live.id })).data!.webhookGroup).toEqual({ id: live.id });
  });
});

describe("createApiKey refuses a bad mode, naming it, and writes nothing", () => {
  it("an unknown mode, a null mode", async () => {
    const count = async () => (await app.db.selectFrom("api_keys").select("id").execute()).length;
    const before = await count();
    const unknown = await app.graphql(`mutation ($mode: ApiKeyMode) { createApiKey(role: ADMIN, mode: $mode) { id } }`, { mode: "STAGING" });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unknown.errors?.[0]?.message).toMatch(/mode/);
    const literal = await app.graphql(`mutation { createApiKey(role: ADMIN, mode: STAGING) { id } }`);
    expect(literal.errors?.[0]?.message).toMatch(/mode|STAGING/);
    expectError(await app.graphql(`mutation { createApiKey(role: ADMIN, mode: null) { id } }`), "BAD_USER_INPUT", "mode");
    expect(await count()).toBe(before);
  });
});
