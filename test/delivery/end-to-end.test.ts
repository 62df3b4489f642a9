import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/index.js";
import { waitForDelivery } from "../support/delivery-log.js";
import { createEvent, createGroup, createOrder, groupInput, seedOriginBodies } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
const tokens = useTokenEndpoint();

describe("a change becomes a signed, authenticated POST", () => {
  it("runs the origin query, fetches a token, signs, POSTs, and logs the attempt", async () => {
    const { signingSecret } = await createGroup(
      app,
      groupInput({
        hooks: [
          { type: "EVENT_CREATED", endpoint: `${receiver.url}/events`, origin: { body: seedOriginBodies.eventShort } },
          { type: "ORDER_CREATED", endpoint: `${receiver.url}/orders` },
        ],
        authentication: { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret: "s3cret-for-token" } },
      }),
    );
    const event = await createEvent(app, { title: "Summer Fest" });
    const [request] = await receiver.waitFor(1);
    expect(request!.path).toBe("/events");
    expect(request!.headers.authorization).toBe("Bearer token-1");
    expect(JSON.parse(request!.body)).toEqual({ data: { event: { title: "Summer Fest" } } });
    const verified = verifyWebhook({ secret: signingSecret, headers: request!.headers as Record<string, string>, body: request!.body });
    expect(tokens.requests[0]!.form.get("client_secret")).toBe("s3cret-for-token");

    const order = await createOrder(app, event.id);
    const [, orderRequest] = await receiver.waitFor(2);
    expect(JSON.parse(orderRequest!.body)).toMatchObject({
      type: "order_created",
      organization_id: app.defaultOrganizationId,
      event_id: event.id,
      order_id: order.id,
    });
    expect(tokens.requests).toHaveLength(1);

    const log = await waitForDelivery(app, verified.id, (delivery) => delivery.status === "SUCCEEDED");
    expect(log).toMatchObject({ status: "SUCCEEDED", attemptCount: 1, type: "EVENT_CREATED", eventId: event.id });
    expect(log.payload).toBe(request!.body);
    expect(log.attempts[0]).toMatchObject({ number: 1, responseStatus: 200, error: null });
    expect(log.attempts[0]!.requestHeaders.authorization).toBe("Bearer [redacted]");
  });
});
