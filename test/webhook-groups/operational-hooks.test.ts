import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { expectError } from "../support/expect-error.js";
import { createEvent, createEventGuide, publishEventMutation } from "../support/fixtures.js";
import { createFullGroup, createMutation, groupsSnapshot } from "../support/group-helpers.js";
import { restClient } from "../support/rest-client.js";
import { useTestApp } from "../support/test-app.js";

// Who may hold operational hooks (GROUP_DISABLED, DELIVERY_FAILED, GROUP_RECOVERED) and with what:
// a group for the whole organization, without origin or condition. What is refused names the
// field and writes nothing. Their deliveries are end to end in test/delivery/operational-webhooks.test.ts.

const app = useTestApp();
const endpoint = "https://ops.partner.example/hookgate";

async function refused(input: Record<string, unknown>, field: string) {
  const before = await groupsSnapshot(app);
  const result = await app.graphql(createMutation, { input });
  expectError(result, "BAD_USER_INPUT", field);
  expect(await groupsSnapshot(app), "nothing written").toBe(before);
  return result.errors![0]!.message;
}

async function publicationCount(): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from publications`.execute(app.db);
  return Number(rows[0]!.n);
}

describe("operational hooks in a webhook group", () => {
  it("a group for the whole organization holds all three, beside source hooks, without origin", async () => {
    const { webhookGroup } = await createFullGroup(app, {
      name: "ops",
      hooks: [
        { type: "GROUP_DISABLED", endpoint },
        { type: "DELIVERY_FAILED", endpoint, bodyFormat: "FORM" },
        { type: "GROUP_RECOVERED", endpoint, condition: {} },
        { type: "ORDER_CREATED", endpoint },
      ],
    });
    expect(webhookGroup.hooks.map((hook) => hook.type)).toEqual(["GROUP_DISABLED", "DELIVERY_FAILED", "GROUP_RECOVERED", "ORDER_CREATED"]);
  });

  it("a group scoped to an event or an event guide may not hold them: refused naming the hook's type", async () => {
    const event = await createEvent(app);
    const message = await refused({ name: "scoped", eventId: event.id, hooks: [{ type: "GROUP_DISABLED", endpoint }] }, "input.hooks[0].type");
    expect(message).toContain("whole organization");
    const guide = await createEventGuide(app);
    await refused(
      { name: "guide", eventGuideId: guide.id, hooks: [{ type: "ORDER_CREATED", endpoint }, { type: "DELIVERY_FAILED", endpoint }] },
      "input.hooks[1].type",
    );
  });

  it("an origin or a condition on an operational hook is refused naming it", async () => {
    const origin = { body: JSON.stringify({ query: "{ viewer { role } }" }) };
    expect(await refused({ name: "origin", hooks: [{ type: "DELIVERY_FAILED", endpoint, origin }] }, "input.hooks[0].origin")).toContain(
      "no origin",
    );
    await refused(
      { name: "condition", hooks: [{ type: "ORDER_CREATED", endpoint }, { type: "GROUP_RECOVERED", endpoint, condition: { total: { $gte: 1 } } }] },
      "input.hooks[1].condition",
    );
  });

  it("replaceWebhookGroup keeps the same rules and, refused, changes nothing", async () => {
    const { webhookGroup } = await createFullGroup(app, { name: "to replace", hooks: [{ type: "ORDER_CREATED", endpoint }] });
    const event = await createEvent(app);
    const before = await groupsSnapshot(app);
    const result = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
      { id: webhookGroup.id, input: { name: "scoped now", eventId: event.id, hooks: [{ type: "GROUP_RECOVERED", endpoint }] } },
    );
    expectError(result, "BAD_USER_INPUT", "input.hooks[0].type");
    expect(await groupsSnapshot(app)).toBe(before);
  });

  it("publishEvent cannot publish them: only hookgate does, so no platform can fake a notice", async () => {
    const event = await createEvent(app);
    const before = await publicationCount();
    const result = await app.graphql(publishEventMutation, { input: { type: "GROUP_DISABLED", eventId: event.id } });
    expectError(result, "BAD_USER_INPUT", "input.type");
    expect(await publicationCount()).toBe(before);
  });

  it("previewHookPayload refuses them (there is no event or order to build for); sendTestDelivery sends a sample", async () => {
    const event = await createEvent(app);
    const preview = await app.graphql(`query ($input: PreviewHookPayloadInput!) { previewHookPayload(input: $input) { payload } }`, {
      input: { hookType: "DELIVERY_FAILED", eventId: event.id },
    });
    expectError(preview, "BAD_USER_INPUT", "input.hookType");

    const { webhookGroup } = await createFullGroup(app, { name: "test ops", hooks: [{ type: "GROUP_DISABLED", endpoint }] });
    const sent = await app.graphql(`mutation ($groupId: ID!) { sendTestDelivery(groupId: $groupId, hookType: GROUP_DISABLED) { type payload } }`, {
      groupId: webhookGroup.id,
    });
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendTestDelivery.type).toBe("GROUP_DISABLED");
    expect(JSON.parse(sent.data!.sendTestDelivery.payload)).toMatchObject({ type: "group_disabled", group_id: null, test: true });
  });

  it("doo's REST API, which knows none of them, refuses them by doo's name and lists them in lowercase", async () => {
    const rest = restClient(app);
    const path = `/v1/team/${app.defaultOrganizationId}/webhooks`;
    const before = await groupsSnapshot(app);
    const answer = await rest.call("POST", path, { body: { name: "doo ops", hooks: [{ type: "group_disabled", method: "POST", endpoint }] } });
    expect(answer.status).toBe(400);
    expect(answer.json.developer_message).toMatch(/^hooks\[0\]\.type: must be one of event_created, /);
    expect(await groupsSnapshot(app)).toBe(before);

    // A group made with GraphQL shows them as doo would spell them, like every other type.
    const { webhookGroup } = await createFullGroup(app, { name: "listed ops", hooks: [{ type: "DELIVERY_FAILED", endpoint }] });
    const pages = await rest.call("GET", `${path}?page=1&page_size=100`);
    const listed = (pages.json._embedded.webhooks as Array<{ id: string; hooks: Array<{ type: string }> }>).find((group) => group.id === webhookGroup.id);
    expect(listed?.hooks.map((hook) => hook.type)).toEqual(["delivery_failed"]);
  });
});
