import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createEvent, createEventGuide, createGroup, createOrder, groupFields, groupInput } from "../support/fixtures.js";
import { type GraphqlResult, useTestApp } from "../support/test-app.js";

// DESIGN.md, Tenancy: "every read and write is scoped to the caller's organization. Another
// organization's id behaves exactly like an unknown id. Delete always answers success."
const app = useTestApp();

const a = { id: "", adminKey: "", viewerKey: "", viewerKeyId: "", event: "", guide: "", order: "", group: "" };
const b = { id: "", adminKey: "", keyId: "", key: "", event: "", guide: "", order: "", group: "", publicKey: "" };
const bRemoved = { event: "", order: "", cancelledOrder: "" };

async function mutate(key: string, mutation: string, id: string) {
  const result = await app.graphql(`mutation ($id: ID!) { ${mutation}(id: $id) { id } }`, { id }, { key });
  expect(result.errors).toBeUndefined();
}

beforeAll(async () => {
  Object.assign(a, await app.createOrganization("Org A"));
  const viewer = await createApiKey(app, "VIEWER", a.adminKey);
  [a.viewerKeyId, a.viewerKey] = [viewer.id, viewer.apiKey];
  a.guide = (await createEventGuide(app, "A guide", a.adminKey)).id;
  a.event = (await createEvent(app, { title: "A event", eventGuideId: a.guide }, a.adminKey)).id;
  a.order = (await createOrder(app, a.event, a.adminKey)).id;
  a.group = (await createGroup(app, groupInput({ eventId: a.event }), a.adminKey)).webhookGroup.id;

  Object.assign(b, await app.createOrganization("Org B"));
  b.guide = (await createEventGuide(app, "B guide", b.adminKey)).id;
  b.event = (await createEvent(app, { title: "B event", eventGuideId: b.guide }, b.adminKey)).id;
  b.order = (await createOrder(app, b.event, b.adminKey)).id;
  // B's group signs with Ed25519 and sends a FORM body: its public key is B's to show, not A's.
  const bHooks = groupInput().hooks.map((hook, index) => (index === 0 ? { ...hook, bodyFormat: "FORM" } : hook));
  const bGroup = await createGroup(app, groupInput({ name: "B group", eventId: b.event, signature: "ED25519", hooks: bHooks }), b.adminKey);
  [b.group, b.publicKey] = [bGroup.webhookGroup.id, bGroup.signingSecret];
  const created = await createApiKey(app, "VIEWER", b.adminKey);
  [b.keyId, b.key] = [created.id, created.apiKey];
  // Rows in states that have their own error messages for the owner; a stranger must not see them.
  bRemoved.event = (await createEvent(app, { title: "B removed" }, b.adminKey)).id;
  bRemoved.order = (await createOrder(app, b.event, b.adminKey)).id;
  bRemoved.cancelledOrder = (await createOrder(app, b.event, b.adminKey)).id;
  await mutate(b.adminKey, "removeEvent", bRemoved.event);
  await mutate(b.adminKey, "removeOrder", bRemoved.order);
  await mutate(b.adminKey, "cancelOrder", bRemoved.cancelledOrder);
});

/** Every row of every table, except the "last used" bookkeeping that any authenticated request may touch. */
async function snapshot() {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(app.db);
  const rows: Record<string, unknown[]> = {};
  for (const { name } of tables.rows) {
    const result = await sql<{ row: Record<string, unknown> }>`select to_jsonb(t) as row from ${sql.table(name)} t order by 1`.execute(app.db);
    rows[name] = result.rows.map(({ row }) => ({ ...row, last_used_at: undefined }));
  }
  return rows;
}

function withoutId(result: GraphqlResult, id: string) {
  return JSON.parse(JSON.stringify(result).replaceAll(id, "<id>"));
}

/**
 * Runs `operation` as A (admin, then viewer) with B's id and with a random unknown id: the answers
 * must be identical apart from the id, and the database must not change at all. Answers A's admin result.
 */
async function sameAsUnknown(operation: string, variables: (id: string) => Record<string, unknown>, foreignId: string) {
  const before = await snapshot();
  const results: GraphqlResult[] = [];
  for (const key of [a.adminKey, a.viewerKey]) {
    const foreign = await app.graphql(operation, variables(foreignId), { key });
    const unknownId = randomUUID();
    const unknown = await app.graphql(operation, variables(unknownId), { key });
    expect(withoutId(foreign, foreignId), operation).toEqual(withoutId(unknown, unknownId));
    results.push(foreign);
  }
  expect(await snapshot(), `${operation} must change nothing`).toEqual(before);
  return results[0]!;
}

const byId = (id: string) => ({ id });
const code = (result: GraphqlResult) => result.errors?.map((error) => error.extensions);

describe("another organization's id behaves exactly like an unknown one", () => {
  it("queries by id answer null", async () => {
    for (const [field, id] of [["webhookGroup", b.group], ["event", b.event], ["event", bRemoved.event], ["order", b.order], ["eventGuide", b.guide]] as const) {
      const result = await sameAsUnknown(`query ($id: ID!) { ${field}(id: $id) { id } }`, byId, id);
      expect(result.data).toEqual({ [field]: null });
    }
    const orders = await sameAsUnknown(
      `query ($id: ID!) { orders(eventId: $id, includeRemoved: true) { totalCount edges { node { id } } } }`,
      byId,
      b.event,
    );
    expect(orders.data).toEqual({ orders: { totalCount: 0, edges: [] } });
  });

  it("lists hold the caller's rows and never another organization's", async () => {
    const lists = `{
      webhookGroups(first: 100) { totalCount edges { node { id } } }
      events(first: 100, includeRemoved: true) { totalCount edges { node { id } } }
      orders(first: 100, includeRemoved: true) { totalCount edges { node { id } } }
      eventGuides(first: 100) { totalCount edges { node { id } } }
      viewer { organization { id name } apiKeys { id } }
    }`;
    const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((edge) => edge.node.id);
    const asA = (await app.graphql(lists, {}, { key: a.adminKey })).data!;
    expect([ids(asA.webhookGroups), ids(asA.events), ids(asA.orders), ids(asA.eventGuides)]).toEqual([[a.group], [a.event], [a.order], [a.guide]]);
    expect(asA.viewer.organization).toEqual({ id: a.id, name: "Org A" });
    expect(asA.viewer.apiKeys).toHaveLength(2);
    const asViewer = (await app.graphql(lists, {}, { key: a.viewerKey })).data!;
    expect(asViewer).toEqual({ ...asA, viewer: { organization: asA.viewer.organization, apiKeys: [] } });

    // The same lists as B do hold B's rows, so the check above can tell the organizations apart.
    const asB = (await app.graphql(lists, {}, { key: b.adminKey })).data!;
    expect(ids(asB.events)).toEqual(expect.arrayContaining([b.event, bRemoved.event]));
    expect(ids(asB.orders)).toEqual(expect.arrayContaining([b.order, bRemoved.order, bRemoved.cancelledOrder]));
    expect([ids(asB.webhookGroups), ids(asB.eventGuides)]).toEqual([[b.group], [b.guide]]);
    expect(asB.viewer.apiKeys.map((key: { id: string }) => key.id)).toContain(b.keyId);
  });

  it("nested fields of the caller's objects never lead to another organization's data", async () => {
    // Pages small enough for the query limits (what it could return, summed over every branch).
    const event = `id title organization { id } eventGuide { id events(first: 5) { edges { node { id } } } }
      orders(first: 10) { edges { node { id event { id organization { id } } } } }`;
    const result = await app.graphql(`{
      viewer { organization { id } apiKeys { id } }
      events(first: 20, includeRemoved: true) { edges { node { ${event} } } }
      orders(first: 20, includeRemoved: true) { edges { node { id event { ${event} } } } }
      eventGuides(first: 5) { edges { node { id events(first: 5) { edges { node { ${event} } } } } } }
      webhookGroups(first: 100) { edges { node { ${groupFields} } } }
    }`, {}, { key: a.adminKey });
    expect(result.errors).toBeUndefined();
    const text = JSON.stringify(result.data);
    expect(text).toContain(a.event);
    expect(text).toContain(a.order);
    for (const id of [b.id, b.event, b.guide, b.order, b.group, b.keyId, ...Object.values(bRemoved)]) expect(text).not.toContain(id);
  });

  it("deleteWebhookGroup answers true and B's group stays", async () => {
    const result = await sameAsUnknown(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, byId, b.group);
    expect(result.data).toEqual({ deleteWebhookGroup: true });
  });

  it("replaceWebhookGroup answers NOT_FOUND and creates nothing", async () => {
    const replace = `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { signingSecret webhookGroup { id } } }`;
    const result = await sameAsUnknown(replace, (id) => ({ id, input: groupInput({ name: "stolen" }) }), b.group);
    expect(code(result)).toEqual([{ code: "NOT_FOUND" }]);
  });

  it("B's ED25519 group: rotateSigningSecret answers NOT_FOUND, its public key and body formats are nowhere in A's answers", async () => {
    const firstResponse = app.responses.length;
    const rotated = await sameAsUnknown(`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, byId, b.group);
    expect(code(rotated)).toEqual([{ code: "NOT_FOUND" }]);
    const read = await sameAsUnknown(`query ($id: ID!) { webhookGroup(id: $id) { signature signingPublicKey hooks { bodyFormat } } }`, byId, b.group);
    expect(read.data).toEqual({ webhookGroup: null });
    const preview = await sameAsUnknown(
      `query ($id: ID!) { previewHookPayload(input: { hookType: EVENT_UPDATED, eventId: $id, bodyFormat: FORM }) { body } }`,
      byId,
      b.event,
    );
    expect(code(preview)).toEqual([{ code: "BAD_USER_INPUT", field: "input.eventId" }]);
    const list = await app.graphql(`{ webhookGroups(first: 100) { edges { node { id signature signingPublicKey hooks { bodyFormat } } } } }`, {}, { key: a.adminKey });
    expect(list.data!.webhookGroups.edges).toEqual([{ node: { id: a.group, signature: "HMAC_SHA256", signingPublicKey: null, hooks: [{ bodyFormat: "JSON" }, { bodyFormat: "JSON" }, { bodyFormat: "JSON" }] } }]);
    expect(app.responses.slice(firstResponse).join("\n")).not.toContain(b.publicKey.slice("whpk_".length));
  });

  it("revokeApiKey answers false and B's key keeps working", async () => {
    const result = await sameAsUnknown(`mutation ($id: ID!) { revokeApiKey(id: $id) }`, byId, b.keyId);
    expect(result.data).toEqual({ revokeApiKey: false });
  });

  it("changes to events and orders answer NOT_FOUND", async () => {
    const cases: [string, string, Record<string, unknown>?][] = [
      ["updateEvent", b.event, { title: "hijacked" }],
      ["updateEvent", bRemoved.event, { title: "hijacked" }],
      ["removeEvent", b.event],
      ["removeEvent", bRemoved.event],
      ["updateOrder", b.order, { total: 0 }],
      ["updateOrder", bRemoved.order, { total: 0 }],
      ["updateOrder", bRemoved.cancelledOrder, { total: 0 }],
      ["cancelOrder", b.order],
      ["cancelOrder", bRemoved.order],
      ["cancelOrder", bRemoved.cancelledOrder],
      ["removeOrder", b.order],
      ["removeOrder", bRemoved.order],
    ];
    for (const [mutation, id, input] of cases) {
      const type = mutation.endsWith("Event") ? "UpdateEventInput" : "UpdateOrderInput";
      const operation = input
        ? `mutation ($id: ID!, $input: ${type}!) { ${mutation}(id: $id, input: $input) { id } }`
        : `mutation ($id: ID!) { ${mutation}(id: $id) { id } }`;
      const result = await sameAsUnknown(operation, (id) => ({ id, input }), id);
      expect(code(result), `${mutation} ${id}`).toEqual([{ code: "NOT_FOUND" }]);
    }
  });

  it("creating under B's event or event guide is refused naming the field, and writes nothing", async () => {
    const createOrderMutation = `mutation ($id: ID!) { createOrder(input: { eventId: $id, total: 1, currency: "EUR" }) { id } }`;
    const createEventMutation = `mutation ($id: ID!) { createEvent(input: { title: "t", startDate: "2027-01-01T00:00:00Z", endDate: "2027-01-02T00:00:00Z", eventGuideId: $id }) { id } }`;
    const createGroupMutation = `mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { signingSecret webhookGroup { id } } }`;
    const cases: [string, (id: string) => Record<string, unknown>, string, string][] = [
      [createOrderMutation, byId, b.event, "input.eventId"],
      [createOrderMutation, byId, bRemoved.event, "input.eventId"],
      [createEventMutation, byId, b.guide, "input.eventGuideId"],
      [createGroupMutation, (id) => ({ input: groupInput({ eventId: id }) }), b.event, "input.eventId"],
      [createGroupMutation, (id) => ({ input: groupInput({ eventId: id }) }), bRemoved.event, "input.eventId"],
      [createGroupMutation, (id) => ({ input: groupInput({ eventGuideId: id }) }), b.guide, "input.eventGuideId"],
    ];
    for (const [operation, variables, id, field] of cases) {
      const result = await sameAsUnknown(operation, variables, id);
      expect(code(result), `${field} ${id}`).toEqual([{ code: "BAD_USER_INPUT", field }]);
      expect(result.errors?.[0]?.message).toMatch(new RegExp(`^${field.replace(".", "\\.")}: `));
    }
  });

  it("initializations: B's group answers NOT_FOUND, B's event is refused naming the field, B's initialization reads null", async () => {
    const initialize = `mutation ($id: ID!) { initializeWebhookGroup(groupId: $id, input: { types: [ORDER_CREATED] }) { id queued } }`;
    expect(code(await sameAsUnknown(initialize, byId, b.group))).toEqual([{ code: "NOT_FOUND" }]);
    const underEvent = `mutation ($group: ID!, $id: ID!) { initializeWebhookGroup(groupId: $group, input: { types: [ORDER_CREATED], eventId: $id }) { id } }`;
    const refused = await sameAsUnknown(underEvent, (id) => ({ group: a.group, id }), b.event);
    expect(code(refused)).toEqual([{ code: "BAD_USER_INPUT", field: "input.eventId" }]);
    const started = await app.graphql(initialize, { id: b.group }, { key: b.adminKey });
    const bInitialization = started.data!.initializeWebhookGroup.id as string;
    const read = await sameAsUnknown(`query ($id: ID!) { initialization(id: $id) { id queued } }`, byId, bInitialization);
    expect(read.data).toEqual({ initialization: null });
    expect((await app.graphql(`query ($id: ID!) { initialization(id: $id) { id } }`, { id: bInitialization }, { key: b.adminKey })).data)
      .toEqual({ initialization: { id: bInitialization } });
  });

  it("createApiKey refuses B's group in groupIds exactly like an unknown group, and writes nothing", async () => {
    const operation = `mutation ($ids: [ID!]) { createApiKey(role: VIEWER, groupIds: $ids) { id apiKey } }`;
    const result = await sameAsUnknown(operation, (id) => ({ ids: [id] }), b.group);
    expect(code(result)).toEqual([{ code: "BAD_USER_INPUT", field: "groupIds[0]" }]);
  });

  it("a key of A limited to A's group, and a SANDBOX key of A, reach nothing of B's either", async () => {
    const make = async (variables: Record<string, unknown>) =>
      (await app.graphql(`mutation ($ids: [ID!], $mode: ApiKeyMode) { createApiKey(role: ADMIN, groupIds: $ids, mode: $mode) { apiKey } }`, variables, { key: a.adminKey })).data!.createApiKey.apiKey as string;
    const limitedKey = await make({ ids: [a.group] });
    const sandboxKey = await make({ mode: "SANDBOX" });
    for (const key of [limitedKey, sandboxKey]) {
      for (const [operation, id] of [
        [`query ($id: ID!) { webhookGroup(id: $id) { id } }`, b.group],
        [`mutation ($id: ID!) { setWebhookGroupEnabled(id: $id, enabled: false) { id } }`, b.group],
        [`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, b.group],
      ] as const) {
        const foreign = await app.graphql(operation, { id }, { key });
        const unknownId = randomUUID();
        const unknown = await app.graphql(operation, { id: unknownId }, { key });
        expect(withoutId(foreign, id), operation).toEqual(withoutId(unknown, unknownId));
      }
      const lists = await app.graphql(`{ webhookGroups(first: 100) { edges { node { id } } } deliveries(first: 100, filter: { mode: LIVE }) { edges { node { id } } } }`, {}, { key });
      for (const id of [b.group, b.id]) expect(JSON.stringify(lists)).not.toContain(id);
    }
  });

  it("B's data is unchanged and reachable by B afterwards", async () => {
    const read = await app.graphql(
      `query ($group: ID!, $event: ID!, $order: ID!, $guide: ID!) {
        webhookGroup(id: $group) { id name signature signingPublicKey } event(id: $event) { id title status }
        order(id: $order) { id status total } eventGuide(id: $guide) { id name }
        viewer { organization { id } } }`,
      { group: b.group, event: b.event, order: b.order, guide: b.guide },
      { key: b.key },
    );
    expect(read.data).toEqual({
      webhookGroup: { id: b.group, name: "B group", signature: "ED25519", signingPublicKey: b.publicKey },
      event: { id: b.event, title: "B event", status: "ACTIVE" },
      order: { id: b.order, status: "OPEN", total: 42.5 },
      eventGuide: { id: b.guide, name: "B guide" },
      viewer: { organization: { id: b.id } },
    });
    const keys = await app.db.selectFrom("api_keys").select(["id", "revoked_at"]).where("organization_id", "=", b.id).execute();
    expect(keys.every((key) => key.revoked_at === null)).toBe(true);
  });
});
