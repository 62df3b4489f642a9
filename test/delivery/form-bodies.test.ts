import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/index.js";
import { readDelivery, waitForDelivery } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { expectError } from "../support/expect-error.js";
import { createEvent, createGroup, createOrder, seedOriginBodies } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// Frappe/Dokos's "Form URL-Encoded" request structure: a FORM hook sends its payload's top-level
// fields as application/x-www-form-urlencoded, signed over the exact bytes sent.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
let group: { id: string; signingSecret: string; hooks: Array<{ type: string; bodyFormat: string }> };

beforeAll(async () => {
  const created = await app.graphql(
    `mutation ($input: CreateWebhookGroupInput!) {
      createWebhookGroup(input: $input) { signingSecret webhookGroup { id hooks { type bodyFormat } } } }`,
    {
      input: {
        name: "Form partner",
        hooks: [
          { type: "EVENT_CREATED", endpoint: `${receiver.url}/events`, origin: { body: seedOriginBodies.eventShort }, bodyFormat: "FORM" },
          { type: "ORDER_CREATED", endpoint: `${receiver.url}/orders`, bodyFormat: "FORM" },
          { type: "EVENT_UPDATED", endpoint: `${receiver.url}/json` },
        ],
      },
    },
  );
  const { signingSecret, webhookGroup } = created.data!.createWebhookGroup;
  group = { id: webhookGroup.id, signingSecret, hooks: webhookGroup.hooks };
});

function requestsTo(path: string) {
  return receiver.requests.filter((request) => request.path === path);
}

describe("FORM hooks", () => {
  it("are shown with their body format; a hook without one is JSON", () => {
    expect(group.hooks).toEqual([
      { type: "EVENT_CREATED", bodyFormat: "FORM" },
      { type: "ORDER_CREATED", bodyFormat: "FORM" },
      { type: "EVENT_UPDATED", bodyFormat: "JSON" },
    ]);
  });

  it("send an origin's answer as form fields, signed over the exact bytes, and log those bytes as the payload", async () => {
    const event = await createEvent(app, { title: "Summer Fest & Co" });
    const [request] = await receiver.waitFor(1);
    expect(request!.path).toBe("/events");
    expect(request!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request!.body).toBe("data=%7B%22event%22%3A%7B%22title%22%3A%22Summer+Fest+%26+Co%22%7D%7D");
    // What a partner does with it: read the form, JSON-decode the object field.
    const form = new URLSearchParams(request!.body);
    expect(JSON.parse(form.get("data")!)).toEqual({ event: { title: "Summer Fest & Co" } });

    const verified = verifyWebhook({ secret: group.signingSecret, headers: request!.headers as Record<string, string>, body: request!.body });
    const log = await waitForDelivery(app, verified.id, (delivery) => delivery.status === "SUCCEEDED");
    expect(log).toMatchObject({ eventId: event.id, attemptCount: 1, payload: request!.body });
    expect(log.attempts[0]!.requestHeaders["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("send the default payload's fields one by one; a JSON hook of the same group still sends JSON", async () => {
    const event = await createEvent(app, { title: "Autumn" });
    const order = await createOrder(app, event.id);
    await receiver.waitFor(3);
    const [orderRequest] = requestsTo("/orders");
    expect(orderRequest!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const fields = Object.fromEntries(new URLSearchParams(orderRequest!.body));
    expect(fields).toEqual({
      type: "order_created",
      occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      organization_id: app.defaultOrganizationId,
      event_id: event.id,
      order_id: order.id,
      delivery_id: orderRequest!.headers["webhook-id"],
    });
    expect(verifyWebhook({ secret: group.signingSecret, headers: orderRequest!.headers as Record<string, string>, body: orderRequest!.body }).id).toBe(fields.delivery_id);

    await app.graphql(`mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Autumn 2" }) { id } }`, { id: event.id });
    const [jsonRequest] = await eventually(async () => requestsTo("/json"), (found) => found.length > 0, { what: "a request to /json" });
    expect(jsonRequest!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(jsonRequest!.body)).toMatchObject({ type: "event_updated", event_id: event.id });
  });

  it("sendTestDelivery form-encodes the given object for a FORM hook, and refuses a payload that is not an object, naming it", async () => {
    const send = `mutation ($groupId: ID!, $hookType: HookType!, $payload: JSON) {
      sendTestDelivery(groupId: $groupId, hookType: $hookType, payload: $payload) { id payload } }`;
    const sent = await app.graphql(send, { groupId: group.id, hookType: "ORDER_CREATED", payload: { hello: "wörld", nested: { n: [1, null] }, gone: null } });
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendTestDelivery.payload).toBe("hello=w%C3%B6rld&nested=%7B%22n%22%3A%5B1%2Cnull%5D%7D&gone=");
    const delivered = await waitForDelivery(app, sent.data!.sendTestDelivery.id, (delivery) => delivery.status === "SUCCEEDED");
    const request = receiver.requests.find((candidate) => candidate.headers["webhook-id"] === delivered.id)!;
    expect(request.body).toBe(delivered.payload);

    const count = async () => (await sql<{ n: string }>`select count(*) as n from deliveries`.execute(app.db)).rows[0]!.n;
    const before = await count();
    for (const payload of [[1, 2], "text", 42]) {
      const refused = await app.graphql(send, { groupId: group.id, hookType: "ORDER_CREATED", payload });
      expectError(refused, "BAD_USER_INPUT", "payload");
      expect(refused.errors![0]!.message).toMatch(/^payload: the FORM hook takes a JSON object/);
    }
    expect(await count()).toBe(before);
    expect(await readDelivery(app, sent.data!.sendTestDelivery.id)).not.toBeNull();
  });
});
