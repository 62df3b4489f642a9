import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../support/expect-error.js";
import { createEvent, createOrder, createViewerKey } from "../support/fixtures.js";
import { createFullGroup, setEnabled } from "../support/group-helpers.js";
import { restClient } from "../support/rest-client.js";
import { useTestApp } from "../support/test-app.js";

// No worker: nothing may change behind the checks that a refusal wrote nothing.
const app = useTestApp();
const rest = restClient(app);

const mutation = `mutation ($groupId: ID!, $input: InitializeInput!) {
  initializeWebhookGroup(groupId: $groupId, input: $input) { id queued } }`;

const ids = { group: "", eventsOnly: "", disabled: "", event: "", removedEvent: "", otherEvent: "", scoped: "", foreignGroup: "", foreignEvent: "" };

const hooks = (types: string[]) => types.map((type) => ({ type, endpoint: "https://partner.example/hooks" }));

beforeAll(async () => {
  ids.event = (await createEvent(app, { title: "Here" })).id;
  ids.otherEvent = (await createEvent(app, { title: "Elsewhere" })).id;
  ids.removedEvent = (await createEvent(app, { title: "Gone" })).id;
  await app.graphql(`mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: ids.removedEvent });
  await createOrder(app, ids.event);
  ids.group = (await createFullGroup(app, { name: "all", hooks: hooks(["EVENT_CREATED", "ORDER_CREATED"]) })).webhookGroup.id;
  ids.eventsOnly = (await createFullGroup(app, { name: "events", hooks: hooks(["EVENT_CREATED"]) })).webhookGroup.id;
  ids.disabled = (await createFullGroup(app, { name: "off", hooks: hooks(["ORDER_CREATED"]) })).webhookGroup.id;
  await setEnabled(app, ids.disabled, false);
  ids.scoped = (await createFullGroup(app, { name: "scoped", eventId: ids.event, hooks: hooks(["ORDER_CREATED"]) })).webhookGroup.id;
  const other = await app.createOrganization("Other organization");
  ids.foreignEvent = (await createEvent(app, {}, other.adminKey)).id;
  ids.foreignGroup = (await createFullGroup(app, { name: "theirs", hooks: hooks(["ORDER_CREATED"]) }, other.adminKey)).webhookGroup.id;
});

/** Initializations and deliveries: what a refusal must leave as it was. */
async function written() {
  const { rows } = await sql<{ n: string }>`select (select count(*) from initializations) + (select count(*) from deliveries)
    + (select count(*) from graphile_worker.jobs) as n`.execute(app.db);
  return Number(rows[0]!.n);
}

describe("initializeWebhookGroup refuses bad input naming the field, and writes nothing", () => {
  const cases: Array<[string, () => { groupId: string; input: Record<string, unknown> }, string, string]> = [
    ["no types", () => ({ groupId: ids.group, input: { types: [] } }), "BAD_USER_INPUT", "input.types"],
    ["a type that is not a creation", () => ({ groupId: ids.group, input: { types: ["EVENT_CREATED", "ORDER_UPDATED"] } }), "BAD_USER_INPUT", "input.types[1]"],
    ["a type the group has no hook of", () => ({ groupId: ids.eventsOnly, input: { types: ["ORDER_CREATED"] } }), "BAD_USER_INPUT", "input.types[0]"],
    ["a window that ends before it starts", () => ({ groupId: ids.group, input: { types: ["ORDER_CREATED"], since: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z" } }), "BAD_USER_INPUT", "input.until"],
    ["an unknown event", () => ({ groupId: ids.group, input: { types: ["ORDER_CREATED"], eventId: "00000000-0000-4000-8000-000000000000" } }), "BAD_USER_INPUT", "input.eventId"],
    ["an event id that is no id", () => ({ groupId: ids.group, input: { types: ["ORDER_CREATED"], eventId: "nope" } }), "BAD_USER_INPUT", "input.eventId"],
    ["a removed event", () => ({ groupId: ids.group, input: { types: ["ORDER_CREATED"], eventId: ids.removedEvent } }), "BAD_USER_INPUT", "input.eventId"],
    ["an event outside the group's scope", () => ({ groupId: ids.scoped, input: { types: ["ORDER_CREATED"], eventId: ids.otherEvent } }), "BAD_USER_INPUT", "input.eventId"],
    ["another organization's event", () => ({ groupId: ids.group, input: { types: ["ORDER_CREATED"], eventId: ids.foreignEvent } }), "BAD_USER_INPUT", "input.eventId"],
    ["a disabled group", () => ({ groupId: ids.disabled, input: { types: ["ORDER_CREATED"] } }), "BAD_USER_INPUT", "groupId"],
  ];
  for (const [name, variables, code, field] of cases) {
    it(name, async () => {
      const before = await written();
      expectError(await app.graphql(mutation, variables()), code, field);
      expect(await written()).toBe(before);
    });
  }

  it("a date-time that is not one", async () => {
    const result = await app.graphql(mutation, { groupId: ids.group, input: { types: ["ORDER_CREATED"], since: "last tuesday" } });
    expect(result.errors?.[0]?.message).toContain("since");
    expect(await written()).toBe(0);
  });

  it("another organization's group answers like an unknown one", async () => {
    const foreign = await app.graphql(mutation, { groupId: ids.foreignGroup, input: { types: ["ORDER_CREATED"] } });
    const unknown = await app.graphql(mutation, { groupId: "00000000-0000-4000-8000-000000000000", input: { types: ["ORDER_CREATED"] } });
    expectError(foreign, "NOT_FOUND");
    expect(foreign.errors![0]!.message.replace(ids.foreignGroup, "<id>")).toBe(unknown.errors![0]!.message.replace("00000000-0000-4000-8000-000000000000", "<id>"));
    expect(await written()).toBe(0);
  });

  it("a viewer key may not start one", async () => {
    const viewer = await createViewerKey(app);
    expectError(await app.graphql(mutation, { groupId: ids.group, input: { types: ["ORDER_CREATED"] } }, { key: viewer }), "FORBIDDEN");
    expect(await written()).toBe(0);
  });

  it("one request may hold one initialization, alone", async () => {
    const result = await app.graphql(
      `mutation ($g: ID!) { a: initializeWebhookGroup(groupId: $g, input: { types: [ORDER_CREATED] }) { id }
                            b: initializeWebhookGroup(groupId: $g, input: { types: [EVENT_CREATED] }) { id } }`,
      { g: ids.group },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(result.errors?.[0]?.message).toContain("initializeWebhookGroup");
    expect(await written()).toBe(0);
  });
});

describe("doo's REST initialization refuses bad bodies in doo's envelope, naming doo's fields", () => {
  const cases: Array<[string, string, unknown, number, string]> = [
    ["a field doo's body has not", "orders", () => ({ configuration_id: ids.group, types: ["order_created"] }), 400, "types"],
    ["no configuration_id", "orders", () => ({}), 400, "configuration_id"],
    ["a from that is no date-time", "orders", () => ({ configuration_id: ids.group, from: "yesterday" }), 400, "from"],
    ["a to before from", "orders", () => ({ configuration_id: ids.group, from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }), 400, "to"],
    ["an unknown event_id", "events", () => ({ configuration_id: ids.group, event_id: ids.foreignEvent }), 400, "event_id"],
    ["a configuration without the resource's hook", "orders", () => ({ configuration_id: ids.eventsOnly }), 400, "configuration_id"],
    ["a body that is not an object", "orders", () => [ids.group], 400, "body"],
  ];
  for (const [name, resource, body, status, field] of cases) {
    it(name, async () => {
      const answer = await rest.call("POST", `/v1/webhooks/init/${resource}`, { body: (body as () => unknown)() });
      expect(answer.status, answer.text).toBe(status);
      expect(answer.json).toMatchObject({ response_status: status, code: "BAD_USER_INPUT", field });
      expect(answer.json.developer_message).toContain(field);
      expect(await written()).toBe(0);
    });
  }

  it("another organization's configuration answers 404 like an unknown one", async () => {
    const foreign = await rest.call("POST", "/v1/webhooks/init/orders", { body: { configuration_id: ids.foreignGroup } });
    const unknown = await rest.call("POST", "/v1/webhooks/init/orders", { body: { configuration_id: "00000000-0000-4000-8000-000000000000" } });
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe("NOT_FOUND");
    expect(foreign.json.developer_message).toContain("configuration_id");
    expect(foreign.text.replaceAll(ids.foreignGroup, "<id>")).toBe(unknown.text.replaceAll("00000000-0000-4000-8000-000000000000", "<id>"));
    expect(await written()).toBe(0);
  });

  it("a viewer key is refused; other methods and resources are not routes", async () => {
    const viewer = await createViewerKey(app);
    expect((await rest.call("POST", "/v1/webhooks/init/orders", { key: viewer, body: { configuration_id: ids.group } })).status).toBe(403);
    expect((await rest.call("GET", "/v1/webhooks/init/orders")).status).toBe(405);
    expect((await rest.call("POST", "/v1/webhooks/init/guides", { body: { configuration_id: ids.group } })).status).toBe(404);
    expect(await written()).toBe(0);
  });
});
