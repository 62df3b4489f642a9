import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/index.js";
import { waitForDelivery } from "../support/delivery-log.js";
import { createGroup, createViewerKey } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
const tokens = useTokenEndpoint();
let group: { id: string; signingSecret: string };

const sendTest = `mutation ($groupId: ID!, $hookType: HookType!, $payload: JSON) {
  sendTestDelivery(groupId: $groupId, hookType: $hookType, payload: $payload) {
    id webhookGroupId type test status attemptCount eventId orderId payload
  }
}`;

beforeAll(async () => {
  const created = await createGroup(app, {
    name: "Test hooks",
    hooks: [
      { type: "EVENT_CREATED", endpoint: `${receiver.url}/events` },
      { type: "ORDER_CREATED", method: "PUT", endpoint: `${receiver.url}/orders` },
    ],
    authentication: { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret: "test-hook-client-secret" } },
  });
  group = { id: created.webhookGroup.id, signingSecret: created.signingSecret };
});

const rowCounts = async () => {
  const { rows } = await sql<{ deliveries: string; jobs: string }>`
    select (select count(*) from deliveries) as deliveries, (select count(*) from graphile_worker._private_jobs) as jobs`.execute(app.db);
  return rows[0];
};

async function readTest(id: string) {
  const result = await app.graphql(`query ($id: ID!) { delivery(id: $id) { id test status } }`, { id });
  return result.data!.delivery as { id: string; test: boolean; status: string };
}

describe("sendTestDelivery", () => {
  it("sends the given payload through the real path: token, signature, POST; logged as a test", async () => {
    const before = receiver.requests.length;
    const payload = { hello: "world", nested: { list: [1, 2.5, "three", null], unicode: "äé€ 😀" } };
    const result = await app.graphql(sendTest, { groupId: group.id, hookType: "EVENT_CREATED", payload });
    expect(result.errors).toBeUndefined();
    const delivery = result.data!.sendTestDelivery;
    expect(delivery).toMatchObject({
      webhookGroupId: group.id,
      type: "EVENT_CREATED",
      test: true,
      status: "PENDING",
      attemptCount: 0,
      eventId: null,
      orderId: null,
      payload: JSON.stringify(payload),
    });

    const request = (await receiver.waitFor(before + 1))[before];
    expect(request!.path).toBe("/events");
    expect(request!.method).toBe("POST");
    expect(request!.body).toBe(JSON.stringify(payload));
    expect(JSON.parse(request!.body)).toEqual(payload);
    expect(request!.headers.authorization).toBe(`Bearer ${tokens.lastToken}`);
    const verified = verifyWebhook({ secret: group.signingSecret, headers: request!.headers as Record<string, string>, body: request!.body });
    expect(verified.id).toBe(delivery.id);

    const logged = await waitForDelivery(app, delivery.id, (d) => d.status === "SUCCEEDED");
    expect(logged).toMatchObject({ attemptCount: 1, payload: request!.body });
    expect(await readTest(delivery.id)).toMatchObject({ test: true, status: "SUCCEEDED" });
  });

  it("sends a sample built from the hook when no payload is given", async () => {
    const before = receiver.requests.length;
    const result = await app.graphql(sendTest, { groupId: group.id, hookType: "ORDER_CREATED" });
    expect(result.errors).toBeUndefined();
    const delivery = result.data!.sendTestDelivery;
    const request = (await receiver.waitFor(before + 1))[before];
    expect(request!.path).toBe("/orders");
    expect(request!.method).toBe("PUT");
    const sample = JSON.parse(request!.body);
    expect(sample).toEqual({
      type: "order_created",
      occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      organization_id: app.defaultOrganizationId,
      event_id: null,
      order_id: null,
      delivery_id: delivery.id,
      test: true,
    });
    expect(request!.body).toBe(delivery.payload);
    verifyWebhook({ secret: group.signingSecret, headers: request!.headers as Record<string, string>, body: request!.body });
    await waitForDelivery(app, delivery.id, (d) => d.status === "SUCCEEDED");
  });

  it("works for a disabled group: it is a test", async () => {
    const disabled = await app.graphql(`mutation ($id: ID!) { setWebhookGroupEnabled(id: $id, enabled: false) { enabled } }`, { id: group.id });
    expect(disabled.data?.setWebhookGroupEnabled.enabled).toBe(false);
    try {
      const before = receiver.requests.length;
      const result = await app.graphql(sendTest, { groupId: group.id, hookType: "EVENT_CREATED", payload: [1, 2, 3] });
      expect(result.errors).toBeUndefined();
      const requests = await receiver.waitFor(before + 1);
      expect(requests.at(-1)!.body).toBe("[1,2,3]");
      await waitForDelivery(app, result.data!.sendTestDelivery.id, (d) => d.status === "SUCCEEDED");
    } finally {
      await app.graphql(`mutation ($id: ID!) { setWebhookGroupEnabled(id: $id, enabled: true) { enabled } }`, { id: group.id });
    }
  });

  it("refuses a hook type the group lacks, a payload over 64 KiB, an unknown, foreign or deleted group, and VIEWER keys", async () => {
    const other = await app.createOrganization("Test hook other org");
    const foreign = await createGroup(app, { name: "foreign", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/x` }] }, other.adminKey);
    const deleted = await createGroup(app, { name: "deleted", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/x` }] });
    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: deleted.webhookGroup.id });
    const viewerKey = await createViewerKey(app);
    const huge = { blob: "x".repeat(64 * 1024) };

    const before = await rowCounts();
    const sent = receiver.requests.length;
    const cases: Array<[string, Record<string, unknown>, string, string | undefined, string?]> = [
      ["no hook of that type", { groupId: group.id, hookType: "ORDER_CANCELLED" }, "BAD_USER_INPUT", "hookType"],
      ["payload over 64 KiB", { groupId: group.id, hookType: "EVENT_CREATED", payload: huge }, "BAD_USER_INPUT", "payload"],
      ["unknown group", { groupId: "00000000-0000-4000-8000-000000000000", hookType: "EVENT_CREATED" }, "NOT_FOUND", undefined],
      ["malformed group id", { groupId: "nope", hookType: "EVENT_CREATED" }, "NOT_FOUND", undefined],
      ["another organization's group", { groupId: foreign.webhookGroup.id, hookType: "EVENT_CREATED" }, "NOT_FOUND", undefined],
      ["a deleted group", { groupId: deleted.webhookGroup.id, hookType: "EVENT_CREATED" }, "NOT_FOUND", undefined],
      ["a VIEWER key", { groupId: group.id, hookType: "EVENT_CREATED" }, "FORBIDDEN", undefined, viewerKey],
    ];
    for (const [name, variables, code, field, key] of cases) {
      const result = await app.graphql(sendTest, variables, { key: key ?? app.adminKey });
      expect(result.data, name).toBeNull();
      expect(result.errors?.[0]?.extensions?.code, name).toBe(code);
      if (field) expect(result.errors?.[0]?.extensions?.field, name).toBe(field);
      if (code === "NOT_FOUND") expect(result.errors?.[0]?.message, name).toMatch(/^groupId: no webhook group/);
    }
    expect(await rowCounts()).toEqual(before);
    expect(receiver.requests.length).toBe(sent);
  });
});
