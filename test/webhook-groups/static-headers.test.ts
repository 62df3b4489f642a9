import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { isFinished, waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createEvent, createOrder, groupInput } from "../support/fixtures.js";
import {
  createFullGroup,
  createMutation,
  databaseText,
  groupsSnapshot,
  readGroup,
  receiverGroupInput,
  responsesContaining,
  waitForPath,
} from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";
import { startTokenEndpoint } from "../support/token-endpoint.js";

// Frappe's static headers: sent with every request, values stored encrypted and never shown.

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

const apiKeyValue = "partner-key-123";
const tenantValue = "acme";
const headers = [
  { name: "X-Api-Key", value: apiKeyValue },
  { name: "X-Tenant", value: tenantValue },
];

describe("static headers", () => {
  it("are sent with every request; headerNames lists the names; the log redacts the values", async () => {
    const created = await createFullGroup(app, receiverGroupInput(receiver, "/frappe", ["EVENT_CREATED", "ORDER_CREATED"], { headers }));
    const groupId = created.webhookGroup.id;
    expect(created.webhookGroup.headerNames).toEqual(["X-Api-Key", "X-Tenant"]);
    expect((await readGroup(app, groupId))!.headerNames).toEqual(["X-Api-Key", "X-Tenant"]);

    const event = await createEvent(app, { title: "Header fest" });
    const order = await createOrder(app, event.id);
    const requests = await waitForPath(receiver, "/frappe", 2);
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request.headers["x-api-key"]).toBe(apiKeyValue);
      expect(request.headers["x-tenant"]).toBe(tenantValue);
      // hookgate's own headers are still there.
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["webhook-signature"]).toMatch(/^v1,/);
    }

    const ids = await waitForDeliveryIds(app, { groupId }, 2);
    for (const id of ids) {
      const delivery = await waitForDelivery(app, id, isFinished);
      expect(delivery.status).toBe("SUCCEEDED");
      const logged = delivery.attempts[0]!.requestHeaders;
      expect(logged["x-api-key"]).toBe("[redacted]");
      expect(logged["x-tenant"]).toBe("[redacted]");
      expect(JSON.stringify(delivery)).not.toContain(apiKeyValue);
    }
    expect(ids).toHaveLength(2);
    expect((await waitForDeliveryIds(app, { groupId, orderId: order.id })).length).toBe(1);
  });

  it("are also sent, alongside the token, with an authenticated group's requests", async () => {
    const tokens = await startTokenEndpoint();
    try {
      const created = await createFullGroup(
        app,
        receiverGroupInput(receiver, "/frappe-auth", ["EVENT_CREATED"], {
          headers,
          authentication: { endpoint: tokens.url, credentials: { clientId: "frappe", clientSecret: "frappe-client-secret-1" } },
        }),
      );
      expect(created.webhookGroup.headerNames).toEqual(["X-Api-Key", "X-Tenant"]);
      await createEvent(app, { title: "Authenticated header fest" });
      const [request] = await waitForPath(receiver, "/frappe-auth", 1);
      expect(request!.headers).toMatchObject({ "x-api-key": apiKeyValue, "x-tenant": tenantValue, authorization: "Bearer token-1" });
    } finally {
      await tokens.close();
    }
  });

  it("their values are stored encrypted: not in plain text in the database", async () => {
    const { webhookGroup } = await createFullGroup(app, receiverGroupInput(receiver, "/stored", ["ORDER_REMOVED"], { headers }));
    const text = await databaseText(app);
    expect(text).toContain("X-Api-Key");
    expect(text).not.toContain(apiKeyValue);
    expect(text).not.toContain(`"${tenantValue}"`);
    const { rows } = await sql<{ headers_encrypted: string | null; header_names: string[] }>`
      select headers_encrypted, header_names from webhook_groups where id = ${webhookGroup.id}`.execute(app.db);
    expect(rows[0]!.header_names).toEqual(["X-Api-Key", "X-Tenant"]);
    expect(rows[0]!.headers_encrypted).toEqual(expect.any(String));
    expect(rows[0]!.headers_encrypted).not.toContain(apiKeyValue);
    expect(rows[0]!.headers_encrypted).not.toContain(tenantValue);
  });

  describe("refusals name the field and write nothing", () => {
    const withHeaders = (list: unknown, overrides: Record<string, unknown> = {}) =>
      receiverGroupInput(receiver, "/refused", ["ORDER_CREATED"], { headers: list, ...overrides });
    const cases: Array<[string, () => Record<string, unknown>, string]> = [
      ["content-type (reserved)", () => withHeaders([{ name: "content-type", value: "text/plain" }]), "input.headers[0].name"],
      ["Content-Type (reserved, any case)", () => withHeaders([{ name: "Content-Type", value: "text/plain" }]), "input.headers[0].name"],
      ["webhook-signature (reserved)", () => withHeaders([headers[0], { name: "webhook-signature", value: "v1,forged" }]), "input.headers[1].name"],
      ["x-webhook-secret (reserved)", () => withHeaders([{ name: "x-webhook-secret", value: "forged" }]), "input.headers[0].name"],
      ["traceparent (reserved: set from the delivery's trace)", () => withHeaders([{ name: "traceparent", value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }]), "input.headers[0].name"],
      ["the token header when authentication is set", () => groupInput({ headers: [{ name: "Authorization", value: "Basic abc" }] }), "input.headers[0].name"],
      [
        "the token header in another case, with a custom headerFormat",
        () =>
          groupInput({
            headers: [headers[0], { name: "x-partner-token", value: "x" }],
            authentication: { ...groupInput().authentication, headerFormat: "X-Partner-Token", headerValueFormat: "%ACCESS_TOKEN%" },
          }),
        "input.headers[1].name",
      ],
      ["a duplicate name (case-insensitive)", () => withHeaders([...headers, { name: "x-api-key", value: "other" }]), "input.headers[2].name"],
      ["a value with CR/LF", () => withHeaders([{ name: "X-Api-Key", value: "a\r\nX-Injected: 1" }]), "input.headers[0].value"],
      ["a value with a bare LF", () => withHeaders([{ name: "X-Api-Key", value: "a\nb" }]), "input.headers[0].value"],
      ["an invalid name", () => withHeaders([{ name: "bad header", value: "v" }]), "input.headers[0].name"],
      ["an empty name", () => withHeaders([{ name: "", value: "v" }]), "input.headers[0].name"],
      [
        "more than 20 headers",
        () => withHeaders(Array.from({ length: 21 }, (_, i) => ({ name: `X-Header-${i}`, value: `v${i}` }))),
        "input.headers",
      ],
    ];

    it.each(cases)("%s", async (_what, input, field) => {
      const before = await groupsSnapshot(app);
      const result = await app.graphql(createMutation, { input: input() });
      expectError(result, "BAD_USER_INPUT", field);
      expect(result.data?.createWebhookGroup ?? null).toBeNull();
      expect(await groupsSnapshot(app)).toBe(before);
    });

    // undici refuses such a value at send time; refused at creation instead, naming the field.
    it("a value with a character HTTP cannot carry (€) is refused on input.headers[0].value", async () => {
      const before = await groupsSnapshot(app);
      const result = await app.graphql(createMutation, {
        input: receiverGroupInput(receiver, "/unsendable", ["ORDER_REMOVED"], { headers: [{ name: "X-Price", value: "10 €" }] }),
      });
      expectError(result, "BAD_USER_INPUT", "input.headers[0].value");
      expect(await groupsSnapshot(app)).toBe(before);
    });

    it("20 headers are accepted", async () => {
      const list = Array.from({ length: 20 }, (_, i) => ({ name: `X-Header-${i}`, value: `v${i}` }));
      const created = await createFullGroup(app, withHeaders(list));
      expect(created.webhookGroup.headerNames).toEqual(list.map((header) => header.name));
    });

    it("the token header name is fine when the group has no authentication", async () => {
      const created = await createFullGroup(app, withHeaders([{ name: "Authorization", value: "Basic cGFydG5lcg==" }]));
      expect(created.webhookGroup.headerNames).toEqual(["Authorization"]);
    });
  });

  it("the values appear in no GraphQL response", async () => {
    // Every way a group comes back: created, read, listed, replaced.
    const injected = "a\r\nX-Injected: 1";
    const { webhookGroup } = await createFullGroup(app, receiverGroupInput(receiver, "/shown", ["ORDER_REMOVED"], { headers }));
    expect(await readGroup(app, webhookGroup.id)).toMatchObject({ headerNames: ["X-Api-Key", "X-Tenant"] });
    await graphqlData(app, `{ webhookGroups(first: 100) { edges { node { id headerNames } } } }`);
    await graphqlData(
      app,
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { headerNames } } }`,
      { id: webhookGroup.id, input: receiverGroupInput(receiver, "/shown", ["ORDER_REMOVED"], { headers: [{ name: "Authorization", value: "Basic cGFydG5lcg==" }] }) },
    );
    // Refused values are not echoed either.
    expectError(
      await app.graphql(createMutation, { input: receiverGroupInput(receiver, "/shown", ["ORDER_REMOVED"], { headers: [{ name: "X-Api-Key", value: injected }] }) }),
      "BAD_USER_INPUT",
      "input.headers[0].value",
    );
    expect(responsesContaining(app, apiKeyValue)).toEqual([]);
    expect(responsesContaining(app, injected)).toEqual([]);
    expect(responsesContaining(app, tenantValue)).toEqual([]);
    expect(responsesContaining(app, "Basic cGFydG5lcg==")).toEqual([]);
  });
});
