import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { waitForDelivery } from "../support/delivery-log.js";
import { createApiKey, createApiKeyMutation, createEvent, createEventGuide, createOrder } from "../support/fixtures.js";
import { expectError } from "../support/expect-error.js";
import { createFullGroup, receiverGroupInput, waitForPath } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { restClient } from "../support/rest-client.js";
import { type GraphqlResult, useTestApp } from "../support/test-app.js";

// Issue 12, part 2 (Dozuki's per-webhook permissions): a key created with `groupIds` sees and
// acts on those groups only; another group's id behaves exactly like an unknown id.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
const rest = restClient(app);

const ids = { guide: "", event: "", guideEvent: "", otherEvent: "", mine: "", other: "", mineDelivery: "", otherDelivery: "" };
let limited = { id: "", apiKey: "" };
let limitedViewer = "";

async function group(path: string, overrides: Record<string, unknown>, key = app.adminKey) {
  return (await createFullGroup(app, receiverGroupInput(receiver, path, ["ORDER_CREATED"], overrides), key)).webhookGroup.id;
}

async function finishedDeliveryOf(groupId: string, path: string, eventId: string) {
  await createOrder(app, eventId);
  const [request] = await waitForPath(receiver, path);
  const id = request!.headers["webhook-id"] as string;
  await waitForDelivery(app, id, (read) => read.finishedAt !== null);
  return id;
}

/**
 * Every row of every table but the "last used" bookkeeping and the worker's heartbeats (this
 * file runs a worker, whose heartbeat moves on its own).
 */
async function snapshot() {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'worker_heartbeats' order by 1`.execute(app.db);
  const rows: Record<string, unknown[]> = {};
  for (const { name } of tables.rows) {
    const result = await sql<{ row: Record<string, unknown> }>`select to_jsonb(t) as row from ${sql.table(name)} t order by 1`.execute(app.db);
    rows[name] = result.rows.map(({ row }) => ({ ...row, last_used_at: undefined }));
  }
  return rows;
}

const withoutId = (result: GraphqlResult, id: string) => JSON.parse(JSON.stringify(result).replaceAll(id, "<id>"));

/** As the limited key, the other group's (or delivery's) id answers exactly as a random one, and nothing changes. */
async function sameAsUnknown(operation: string, variables: (id: string) => Record<string, unknown>, id: string, key = limited.apiKey) {
  const before = await snapshot();
  const other = await app.graphql(operation, variables(id), { key });
  const unknownId = randomUUID();
  const unknown = await app.graphql(operation, variables(unknownId), { key });
  expect(withoutId(other, id), operation).toEqual(withoutId(unknown, unknownId));
  expect(await snapshot(), `${operation} must change nothing`).toEqual(before);
  return other;
}

beforeAll(async () => {
  ids.guide = (await createEventGuide(app, "Limited guide")).id;
  ids.event = (await createEvent(app, { title: "Mine" })).id;
  ids.guideEvent = (await createEvent(app, { title: "In the guide", eventGuideId: ids.guide })).id;
  ids.otherEvent = (await createEvent(app, { title: "Not mine" })).id;
  ids.mine = await group("/mine", { eventId: ids.event });
  ids.other = await group("/other", { eventId: ids.otherEvent });
  ids.mineDelivery = await finishedDeliveryOf(ids.mine, "/mine", ids.event);
  ids.otherDelivery = await finishedDeliveryOf(ids.other, "/other", ids.otherEvent);
  limited = await createApiKey(app, "ADMIN", app.adminKey, { groupIds: [ids.mine] });
  limitedViewer = (await createApiKey(app, "VIEWER", app.adminKey, { groupIds: [ids.mine, ids.mine.toUpperCase()] })).apiKey;
});

describe("a key limited to some groups", () => {
  it("says which groups it reaches, as the key list does", async () => {
    const viewer = await app.graphql(`{ viewer { role mode groupIds apiKeys { id } } }`, {}, { key: limited.apiKey });
    expect(viewer.data!.viewer).toEqual({ role: "ADMIN", mode: "LIVE", groupIds: [ids.mine], apiKeys: [] });
    const keys = await app.graphql(`{ viewer { apiKeys { id groupIds } } }`);
    expect(keys.data!.viewer.apiKeys).toContainEqual({ id: limited.id, groupIds: [ids.mine] });
    const asViewer = await app.graphql(`{ viewer { role groupIds } }`, {}, { key: limitedViewer });
    expect(asViewer.data!.viewer).toEqual({ role: "VIEWER", groupIds: [ids.mine] });
  });

  it("lists only its groups and their deliveries", async () => {
    for (const key of [limited.apiKey, limitedViewer]) {
      const result = await app.graphql(
        `{ webhookGroups(first: 100) { totalCount edges { node { id } } } deliveries(first: 100) { totalCount edges { node { id webhookGroupId } } } }`,
        {},
        { key },
      );
      expect(result.data!.webhookGroups).toEqual({ totalCount: 1, edges: [{ node: { id: ids.mine } }] });
      expect(result.data!.deliveries.edges.map((edge: { node: { webhookGroupId: string } }) => edge.node.webhookGroupId)).toEqual([ids.mine]);
      const filtered = await app.graphql(`query ($g: ID!) { deliveries(filter: { groupId: $g }) { totalCount } }`, { g: ids.other }, { key });
      expect(filtered.data!.deliveries.totalCount).toBe(0);
    }
  });

  it("another group's id, or its delivery's, behaves exactly like an unknown id, and changes nothing", async () => {
    const byId = (id: string) => ({ id });
    const reads = [
      [`query ($id: ID!) { webhookGroup(id: $id) { id } }`, ids.other],
      [`query ($id: ID!) { delivery(id: $id) { id } }`, ids.otherDelivery],
    ] as const;
    for (const [operation, id] of reads) {
      for (const key of [limited.apiKey, limitedViewer]) expect((await sameAsUnknown(operation, byId, id, key)).data).toEqual({ [operation.includes("delivery") ? "delivery" : "webhookGroup"]: null });
    }
    const writes: Array<[string, (id: string) => Record<string, unknown>, string, string]> = [
      [`mutation ($id: ID!) { sendTestDelivery(groupId: $id, hookType: ORDER_CREATED) { id } }`, byId, ids.other, "NOT_FOUND"],
      [`mutation ($id: ID!) { redeliver(deliveryId: $id) { id } }`, byId, ids.otherDelivery, "NOT_FOUND"],
      [`mutation ($id: ID!) { recoverDeliveries(groupId: $id, since: "2020-01-01T00:00:00Z") }`, byId, ids.other, "NOT_FOUND"],
      [`mutation ($id: ID!) { setWebhookGroupEnabled(id: $id, enabled: false) { id } }`, byId, ids.other, "NOT_FOUND"],
      [`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, byId, ids.other, "NOT_FOUND"],
      [
        `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
        (id) => ({ id, input: receiverGroupInput(receiver, "/stolen", ["ORDER_CREATED"], { eventId: ids.event }) }),
        ids.other,
        "NOT_FOUND",
      ],
    ];
    for (const [operation, variables, id, code] of writes) {
      const result = await sameAsUnknown(operation, variables, id);
      expect(result.errors?.map((error) => error.extensions?.code), operation).toEqual([code]);
    }
    const deleted = await sameAsUnknown(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, byId, ids.other);
    expect(deleted.data).toEqual({ deleteWebhookGroup: true });
  });

  it("acts on its own group: test, redeliver, recover, disable and enable, rotate", async () => {
    const key = limited.apiKey;
    const test = await app.graphql(`mutation ($id: ID!) { sendTestDelivery(groupId: $id, hookType: ORDER_CREATED) { id } }`, { id: ids.mine }, { key });
    await waitForDelivery(app, test.data!.sendTestDelivery.id, (read) => read.status === "SUCCEEDED", { key });
    const again = await app.graphql(`mutation ($id: ID!) { redeliver(deliveryId: $id) { id status } }`, { id: ids.mineDelivery }, { key });
    expect(again.data!.redeliver).toMatchObject({ id: ids.mineDelivery, status: "RETRYING" });
    // Settled before the next test, which checks that nothing changes.
    await waitForDelivery(app, ids.mineDelivery, (read) => read.status === "SUCCEEDED" && read.attemptCount === 2, { key });
    const recovered = await app.graphql(`mutation ($id: ID!) { recoverDeliveries(groupId: $id, since: "2020-01-01T00:00:00Z") }`, { id: ids.mine }, { key });
    expect(recovered.data).toEqual({ recoverDeliveries: 0 });
    for (const enabled of [false, true]) {
      const set = await app.graphql(`mutation ($id: ID!, $on: Boolean!) { setWebhookGroupEnabled(id: $id, enabled: $on) { enabled } }`, { id: ids.mine, on: enabled }, { key });
      expect(set.data!.setWebhookGroupEnabled).toEqual({ enabled });
    }
    const rotated = await app.graphql(`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, { id: ids.mine }, { key });
    expect(rotated.data!.rotateSigningSecret).toMatch(/^whsec_/);
    // A VIEWER limited key still writes nothing.
    expectError(await app.graphql(`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, { id: ids.mine }, { key: limitedViewer }), "FORBIDDEN");
  });

  it("changes no source data, publishes nothing and manages no keys", async () => {
    const key = limited.apiKey;
    const before = await snapshot();
    const refused = [
      [`mutation { createEventGuide(input: { name: "g" }) { id } }`, {}],
      [`mutation { createEvent(input: { title: "t", startDate: "2027-01-01T00:00:00Z", endDate: "2027-01-02T00:00:00Z" }) { id } }`, {}],
      [`mutation ($id: ID!) { updateEvent(id: $id, input: { title: "x" }) { id } }`, { id: ids.event }],
      [`mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: ids.event }],
      [`mutation ($id: ID!) { createOrder(input: { eventId: $id, total: 1, currency: "EUR" }) { id } }`, { id: ids.event }],
      [`mutation ($id: ID!) { publishEvent(input: { type: EVENT_UPDATED, eventId: $id }) { deliveryCount } }`, { id: ids.event }],
      [`mutation { createApiKey(role: VIEWER) { id } }`, {}],
      [createApiKeyMutation, { role: "VIEWER", groupIds: [ids.mine] }],
      [`mutation ($id: ID!) { revokeApiKey(id: $id) }`, { id: limited.id }],
    ] as const;
    for (const [operation, variables] of refused) expectError(await app.graphql(operation, variables, { key }), "FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("creates groups only for what its groups cover, never for the whole organization, and reaches those it creates", async () => {
    const key = limited.apiKey;
    const before = await snapshot();
    const create = (overrides: Record<string, unknown>) =>
      app.graphql(`mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { webhookGroup { id mode } } }`, {
        input: receiverGroupInput(receiver, "/created", ["ORDER_CREATED"], overrides),
      }, { key });
    expectError(await create({}), "FORBIDDEN");
    expectError(await create({ eventId: ids.otherEvent }), "FORBIDDEN");
    expectError(await create({ eventGuideId: ids.guide }), "FORBIDDEN");
    expect(await snapshot()).toEqual(before);

    const created = await create({ eventId: ids.event });
    const newId = created.data!.createWebhookGroup.webhookGroup.id as string;
    const viewer = await app.graphql(`{ viewer { groupIds } webhookGroups { totalCount } }`, {}, { key });
    expect(viewer.data!.viewer.groupIds.sort()).toEqual([ids.mine, newId].sort());
    expect(viewer.data!.webhookGroups.totalCount).toBe(2);
    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: newId }, { key });
  });

  it("follows its group through a replacement, and loses a deleted group without reaching more", async () => {
    const own = await group("/own", { eventId: ids.event });
    const second = await group("/second", { eventId: ids.event });
    const key = (await createApiKey(app, "ADMIN", app.adminKey, { groupIds: [own, second] })).apiKey;
    const replaced = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
      { id: own, input: receiverGroupInput(receiver, "/own-2", ["ORDER_CREATED"], { eventId: ids.event }) },
    );
    const replacement = replaced.data!.replaceWebhookGroup.webhookGroup.id as string;
    const reach = async () => (await app.graphql(`{ viewer { groupIds } webhookGroups(first: 100) { edges { node { id } } } }`, {}, { key })).data!;
    expect((await reach()).viewer.groupIds.sort()).toEqual([replacement, second].sort());

    // The key may replace its own group too, within its scope, and keeps reaching it.
    const byKey = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
      { id: replacement, input: receiverGroupInput(receiver, "/own-3", ["ORDER_CREATED"], { eventId: ids.event }) },
      { key },
    );
    const third = byKey.data!.replaceWebhookGroup.webhookGroup.id as string;
    expect((await reach()).viewer.groupIds.sort()).toEqual([third, second].sort());

    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: second });
    expect((await reach()).viewer.groupIds).toEqual([third]);
    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: third }, { key });
    // Its last group gone, the key reaches no group at all: never every group.
    expect(await reach()).toEqual({ viewer: { groupIds: [] }, webhookGroups: { edges: [] } });
    const rows = await app.db.selectFrom("api_key_groups").selectAll().where("webhook_group_id", "in", [own, second, replacement, third]).execute();
    expect(rows).toEqual([]);
    const deliveries = await app.graphql(`{ deliveries { totalCount } }`, {}, { key });
    expect(deliveries.data!.deliveries.totalCount).toBe(0);
    expectError(
      await app.graphql(`mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { webhookGroup { id } } }`, {
        input: receiverGroupInput(receiver, "/none", ["ORDER_CREATED"], { eventId: ids.event }),
      }, { key }),
      "FORBIDDEN",
    );
  });

  it("a key for an event guide's group may create groups for that guide's events", async () => {
    const guideGroup = await group("/guide", { eventGuideId: ids.guide });
    const key = (await createApiKey(app, "ADMIN", app.adminKey, { groupIds: [guideGroup] })).apiKey;
    const create = (overrides: Record<string, unknown>) =>
      app.graphql(`mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { webhookGroup { id } } }`, {
        input: receiverGroupInput(receiver, "/guide-event", ["ORDER_CREATED"], overrides),
      }, { key });
    expect((await create({ eventId: ids.guideEvent })).errors).toBeUndefined();
    expect((await create({ eventGuideId: ids.guide })).errors).toBeUndefined();
    expectError(await create({ eventId: ids.event }), "FORBIDDEN");
  });

  it("doo REST: lists its groups only, deletes nothing else, and cannot create an organization-wide group", async () => {
    const organizationId = app.defaultOrganizationId;
    const listed = await rest.call("GET", `/v1/team/${organizationId}/webhooks`, { key: limited.apiKey });
    expect(listed.json._embedded.webhooks.map((webhook: { id: string }) => webhook.id)).toEqual([ids.mine]);
    expect(listed.json.total_items).toBe(1);
    expect((await rest.call("DELETE", `/v1/webhooks/${ids.other}`, { key: limited.apiKey })).status).toBe(204);
    expect((await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id } }`, { id: ids.other })).data!.webhookGroup).toEqual({ id: ids.other });
    const body = { name: "doo wide", hooks: [{ type: "order_created", endpoint: `${receiver.url}/doo` }] };
    const refused = await rest.call("POST", `/v1/team/${organizationId}/webhooks`, { key: limited.apiKey, body });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ response_status: 403, code: "FORBIDDEN" });
  });
});

describe("createApiKey refuses bad groupIds, naming the field, and writes nothing", () => {
  it("an empty list, a non-id, an unknown or deleted group, another organization's group, a LIVE group for a SANDBOX key, too many", async () => {
    const other = await app.createOrganization("Elsewhere");
    const foreign = await group("/foreign", {}, other.adminKey);
    const gone = await group("/gone", { eventId: ids.event });
    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: gone });
    const keys = async () => (await app.db.selectFrom("api_keys").select("id").execute()).length;
    const before = { keys: await keys(), named: (await app.db.selectFrom("api_key_groups").selectAll().execute()).length };
    const refuse = (variables: Record<string, unknown>) => app.graphql(createApiKeyMutation, { role: "ADMIN", ...variables });

    expectError(await refuse({ groupIds: [] }), "BAD_USER_INPUT", "groupIds");
    expectError(await refuse({ groupIds: Array.from({ length: 101 }, () => randomUUID()) }), "BAD_USER_INPUT", "groupIds");
    expectError(await refuse({ groupIds: [ids.mine, "not-an-id"] }), "BAD_USER_INPUT", "groupIds[1]");
    const unknownId = randomUUID();
    const unknown = await refuse({ groupIds: [ids.mine, unknownId] });
    expectError(unknown, "BAD_USER_INPUT", "groupIds[1]");
    for (const id of [foreign, gone]) {
      const result = await refuse({ groupIds: [ids.mine, id] });
      expect(withoutId(result, id)).toEqual(withoutId(unknown, unknownId));
    }
    expectError(await refuse({ mode: "SANDBOX", groupIds: [ids.mine] }), "BAD_USER_INPUT", "groupIds[0]");
    expect((await refuse({ mode: "SANDBOX", groupIds: [ids.mine] })).errors![0]!.message).toMatch(/LIVE; a SANDBOX key reaches SANDBOX groups only/);
    expect(await keys()).toBe(before.keys);
    expect((await app.db.selectFrom("api_key_groups").selectAll().execute()).length).toBe(before.named);
  });
});
