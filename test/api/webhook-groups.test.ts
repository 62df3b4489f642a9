import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { clientSecret, createEvent, createEventGuide, createGroup, groupFields, groupInput, seedOriginBodies } from "../support/fixtures.js";
import { expectError } from "../support/expect-error.js";
import { useTestApp } from "../support/test-app.js";

const app = useTestApp();

describe("webhook groups", () => {
  it("creates a group and answers it with hooks, origins and authentication, without the client secret", async () => {
    const { webhookGroup, signingSecret } = await createGroup(app);
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(signingSecret.slice(6), "base64")).toHaveLength(32);
    expect(webhookGroup).toMatchObject({
      name: "My Test Webhook",
      description: "Webhook for testing all the hook types",
      eventId: null,
      eventGuideId: null,
      enabled: true,
      authentication: {
        grantType: "CLIENT_CREDENTIALS",
        endpoint: "https://partner.example/oauth/token",
        clientId: "doo",
        scope: "webhooks",
        headerFormat: "Authorization",
        headerValueFormat: "Bearer %ACCESS_TOKEN%",
        hasClientSecret: true,
      },
    });
    expect(webhookGroup.hooks).toEqual([
      expect.objectContaining({ type: "EVENT_CREATED", method: "POST", endpoint: "https://partner.example/hooks", origin: { method: "POST", endpoint: null, body: seedOriginBodies.eventShort } }),
      expect.objectContaining({ type: "ORDER_CREATED", method: "PUT", origin: { method: "POST", endpoint: null, body: seedOriginBodies.orderShort } }),
      expect.objectContaining({ type: "ORDER_CANCELLED", origin: null }),
    ]);
    expect(JSON.stringify(webhookGroup)).not.toContain(clientSecret);

    const read = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { ${groupFields} } }`, { id: webhookGroup.id });
    expect(read.data?.webhookGroup).toEqual(webhookGroup);
  });

  it("accepts every seed origin body, and the own /graphql URL as the built-in origin", async () => {
    const hooks = Object.values(seedOriginBodies).map((body) => ({
      type: body.includes("%ORDER_ID%") ? "ORDER_UPDATED" : "EVENT_UPDATED",
      endpoint: "https://partner.example/hooks",
      origin: { endpoint: "http://localhost:4000/graphql", body },
    }));
    const { webhookGroup } = await createGroup(app, groupInput({ hooks, authentication: null }));
    expect(webhookGroup.hooks).toHaveLength(4);
    expect(webhookGroup.authentication).toBeNull();
  });

  it("scopes a group to one event or to one event guide", async () => {
    const event = await createEvent(app);
    const guide = await createEventGuide(app);
    const byEvent = await createGroup(app, groupInput({ eventId: event.id }));
    const byGuide = await createGroup(app, groupInput({ eventGuideId: guide.id }));
    expect(byEvent.webhookGroup).toMatchObject({ eventId: event.id, eventGuideId: null });
    expect(byGuide.webhookGroup).toMatchObject({ eventId: null, eventGuideId: guide.id });
  });

  it("lists groups newest first, page by page", async () => {
    const names = ["page-a", "page-b", "page-c"];
    for (const name of names) await createGroup(app, groupInput({ name }));
    const query = `query ($after: String) { webhookGroups(first: 2, after: $after) {
      totalCount edges { cursor node { name hooks { type } } } pageInfo { hasNextPage endCursor } } }`;
    const first = await app.graphql(query);
    const total = first.data?.webhookGroups.totalCount;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(first.data?.webhookGroups.edges.map((edge: any) => edge.node.name)).toEqual(["page-c", "page-b"]);
    expect(first.data?.webhookGroups.pageInfo.hasNextPage).toBe(true);
    const seen = [...first.data?.webhookGroups.edges];
    let after = first.data?.webhookGroups.pageInfo.endCursor;
    for (;;) {
      const next = await app.graphql(query, { after });
      seen.push(...next.data?.webhookGroups.edges);
      if (!next.data?.webhookGroups.pageInfo.hasNextPage) break;
      after = next.data?.webhookGroups.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((edge) => edge.cursor)).size).toBe(total);
  });

  it("replaces a group with a new one (new id, new secret) and deletes the old one", async () => {
    const original = await createGroup(app);
    const result = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) {
        replaceWebhookGroup(id: $id, input: $input) { signingSecret webhookGroup { id name hooks { type } } } }`,
      { id: original.webhookGroup.id, input: groupInput({ name: "Replaced", hooks: [{ type: "EVENT_REMOVED", endpoint: "https://partner.example/x" }] }) },
    );
    const replaced = result.data?.replaceWebhookGroup;
    expect(replaced.webhookGroup).toMatchObject({ name: "Replaced", hooks: [{ type: "EVENT_REMOVED" }] });
    expect(replaced.webhookGroup.id).not.toBe(original.webhookGroup.id);
    expect(replaced.signingSecret).not.toBe(original.signingSecret);
    const old = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id } }`, { id: original.webhookGroup.id });
    expect(old.data?.webhookGroup).toBeNull();

    const again = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
      { id: original.webhookGroup.id, input: groupInput() },
    );
    expectError(again, "NOT_FOUND");
  });

  it("a replacement with bad input leaves the old group in place", async () => {
    const original = await createGroup(app);
    const result = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
      { id: original.webhookGroup.id, input: groupInput({ hooks: [] }) },
    );
    expectError(result, "BAD_USER_INPUT", "input.hooks");
    const still = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id } }`, { id: original.webhookGroup.id });
    expect(still.data?.webhookGroup).toEqual({ id: original.webhookGroup.id });
  });

  it("a replacement that fails after the old group was deleted rolls back: the old group stays, no new one", async () => {
    const original = await createGroup(app, groupInput({ name: "survives a failed replacement" }));
    // A removed event passes the input checks and is only refused by the scope check, which runs
    // inside the transaction after the old group has been deleted.
    const event = await createEvent(app);
    const removed = await app.graphql(`mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: event.id });
    expect(removed.errors).toBeUndefined();
    const rows = async () => {
      const { rows } = await sql<{ active: string; all: string; hooks: string }>`
        select (select count(*) from webhook_groups where deleted_at is null) as active,
               (select count(*) from webhook_groups) as all,
               (select count(*) from hooks) as hooks`.execute(app.db);
      return rows[0];
    };
    const before = await rows();

    const result = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { signingSecret webhookGroup { id } } }`,
      { id: original.webhookGroup.id, input: groupInput({ name: "never created", eventId: event.id }) },
    );
    expectError(result, "BAD_USER_INPUT", "input.eventId");
    expect(result.errors?.[0]?.message).toMatch(/^input\.eventId: .*removed/);

    expect(await rows()).toEqual(before);
    const still = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { ${groupFields} } }`, { id: original.webhookGroup.id });
    expect(still.data?.webhookGroup).toEqual(original.webhookGroup);
    const list = await app.graphql(`{ webhookGroups(first: 100) { edges { node { id name } } } }`);
    const names = list.data?.webhookGroups.edges.map((edge: any) => edge.node.name);
    expect(list.data?.webhookGroups.edges.map((edge: any) => edge.node.id)).toContain(original.webhookGroup.id);
    expect(names).not.toContain("never created");
  });

  it("deletes a group, and answers true for unknown and malformed ids too", async () => {
    const { webhookGroup } = await createGroup(app);
    const remove = `mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`;
    expect((await app.graphql(remove, { id: webhookGroup.id })).data).toEqual({ deleteWebhookGroup: true });
    expect((await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id } }`, { id: webhookGroup.id })).data).toEqual({ webhookGroup: null });
    expect((await app.graphql(remove, { id: webhookGroup.id })).data).toEqual({ deleteWebhookGroup: true });
    expect((await app.graphql(remove, { id: "7d0c3a5e-0000-4000-8000-000000000000" })).data).toEqual({ deleteWebhookGroup: true });
    expect((await app.graphql(remove, { id: "not-a-uuid" })).data).toEqual({ deleteWebhookGroup: true });
  });

  it("has no mutation that updates a group in place", async () => {
    const result = await app.graphql(`{ __type(name: "Mutation") { fields { name } } }`);
    const names = result.data?.__type.fields.map((field: { name: string }) => field.name);
    expect(names).toEqual(expect.arrayContaining(["createWebhookGroup", "replaceWebhookGroup", "deleteWebhookGroup"]));
    expect(names.filter((name: string) => /^update.*WebhookGroup/i.test(name))).toEqual([]);
  });
});
