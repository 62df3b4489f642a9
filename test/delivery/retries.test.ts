import { beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/index.js";
import { useCleanup } from "../support/cleanup.js";
import { isFinished, waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { createEvent, createOrder, seedOriginBodies } from "../support/fixtures.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { useReceiver } from "../support/receiver.js";
import { type TestApp, useTestApp } from "../support/test-app.js";
import { startTokenEndpoint } from "../support/token-endpoint.js";

const closeAfterTest = useCleanup();

/**
 * A fresh organization (so no other test's groups match its orders), an event, a receiver and a
 * group with one ORDER_CREATED hook to it.
 */
async function scenario(app: TestApp, name: string, group: { authentication?: Record<string, unknown>; origin?: Record<string, unknown> } = {}) {
  const hook = { type: "ORDER_CREATED", path: "/orders", ...(group.origin ? { origin: group.origin } : {}) };
  const s = await isolatedGroup(app, closeAfterTest, name, hook, group.authentication ? { authentication: group.authentication } : {});
  const event = await createEvent(app, { title: `${name} event` }, s.key);
  return { ...s, event, order: () => createOrder(app, event.id, s.key) };
}

const originAnswer = { data: { order: { hash: "from-the-remote-origin" } } };

describe("retries (schedule 100ms,200ms,300ms)", () => {
  // A GraphQL origin on loopback that fails once, then answers. It must be allow-listed in the
  // app's config, so it starts first and the env is filled in before useTestApp's beforeAll
  // (registered after these) reads it.
  const origin = useReceiver();
  const originUrl = () => `${origin.url}/graphql`;
  const env: Record<string, string> = {};
  beforeAll(() => {
    const json = { "content-type": "application/json" };
    origin.answerNext({ status: 500, headers: json, body: "Internal Server Error" });
    origin.answerAlways({ status: 200, headers: json, body: JSON.stringify(originAnswer) });
    env.HOOKGATE_ORIGIN_ALLOWLIST = originUrl();
  });
  const app = useTestApp(env, { worker: true });

  it("retries after a 500 with the same body and webhook-id, each signature verifying", async () => {
    const s = await scenario(app, "500 then 200");
    s.receiver.answerNext({ status: 500, body: "oops" });
    const order = await s.order();
    const [first, second] = await s.receiver.waitFor(2);
    expect(second!.body).toBe(first!.body);
    expect(JSON.parse(first!.body)).toMatchObject({ type: "order_created", order_id: order.id });
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    for (const request of [first!, second!]) {
      const verified = verifyWebhook({ secret: s.signingSecret, headers: request.headers, body: request.body });
      expect(verified.id).toBe(first!.headers["webhook-id"]);
    }

    const log = await waitForDelivery(app, String(first!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log).toMatchObject({ status: "SUCCEEDED", attemptCount: 2, nextAttemptAt: null });
    expect(log.attempts.map((a) => [a.number, a.responseStatus])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(log.attempts[0]!.error).toMatch(/500/);
    expect(log.attempts[1]!.error).toBeNull();
    expect(log.payload).toBe(first!.body);
  });

  it("honours Retry-After on a 503 over the shorter schedule", async () => {
    const s = await scenario(app, "retry-after");
    s.receiver.answerNext({ status: 503, headers: { "retry-after": "1" } });
    await s.order();
    const [first, second] = await s.receiver.waitFor(2);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(900);
    const log = await waitForDelivery(app, String(first!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log).toMatchObject({ status: "SUCCEEDED", attemptCount: 2 });
    expect(log.attempts[0]).toMatchObject({ responseStatus: 503 });
    expect(log.attempts[0]!.responseHeaders).toMatchObject({ "retry-after": "1" });
  });

  it("stops at 410 Gone", async () => {
    const s = await scenario(app, "gone");
    s.receiver.answerAlways({ status: 410 });
    await s.order();
    const [request] = await s.receiver.waitFor(1);
    const log = await waitForDelivery(app, String(request!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log).toMatchObject({ status: "GONE", attemptCount: 1, nextAttemptAt: null });
    expect(log.finishedAt).not.toBeNull();
    expect(log.attempts).toHaveLength(1);
    expect(log.attempts[0]).toMatchObject({ responseStatus: 410 });
    // Nothing more comes: nothing is left to send.
    await waitUntilSettled(app, { groupId: s.groupId });
    expect(s.receiver.requests).toHaveLength(1);
  });

  it("ends FAILED after the last scheduled attempt", async () => {
    const s = await scenario(app, "all fail");
    s.receiver.answerAlways({ status: 500 });
    await s.order();
    const [request] = await s.receiver.waitFor(1);
    const id = String(request!.headers["webhook-id"]);
    const log = await waitForDelivery(app, id, isFinished, { key: s.key });
    expect(log).toMatchObject({ status: "FAILED", attemptCount: 4, nextAttemptAt: null });
    expect(log.finishedAt).not.toBeNull();
    expect(log.attempts.map((a) => a.number)).toEqual([1, 2, 3, 4]);
    expect(log.attempts.every((a) => a.responseStatus === 500 && a.error !== null)).toBe(true);
    await waitUntilSettled(app, { groupId: s.groupId });
    expect(s.receiver.requests).toHaveLength(4);
    expect(new Set(s.receiver.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([id]));
  });

  it("logs request headers with secrets redacted and the answer capped at 16 KiB", async () => {
    const tokens = await startTokenEndpoint();
    closeAfterTest(tokens.close);
    const s = await scenario(app, "redaction", {
      authentication: { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret: "retries-secret-0b1c2d3e" } },
    });
    const bigBody = "x".repeat(100 * 1024);
    s.receiver.answerAlways({ status: 200, headers: { "x-partner-trace": "trace-42" }, body: bigBody });
    await s.order();
    const [request] = await s.receiver.waitFor(1);
    expect(request!.headers.authorization).toBe("Bearer token-1");

    const log = await waitForDelivery(app, String(request!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log.status).toBe("SUCCEEDED");
    const [attempt] = log.attempts;
    expect(attempt!.requestMethod).toBe("POST");
    expect(attempt!.requestUrl).toBe(`${s.receiver.url}/orders`);
    expect(attempt!.requestHeaders.authorization).toBe("Bearer [redacted]");
    expect(attempt!.requestHeaders["webhook-id"]).toBe(request!.headers["webhook-id"]);
    expect(attempt!.requestHeaders["webhook-timestamp"]).toBe(request!.headers["webhook-timestamp"]);
    expect(attempt!.requestHeaders["webhook-signature"]).toBe(request!.headers["webhook-signature"]);
    expect(attempt!.responseStatus).toBe(200);
    expect(attempt!.responseHeaders).toMatchObject({ "x-partner-trace": "trace-42" });
    expect(attempt!.responseBody).toHaveLength(16_384);
    expect(Buffer.byteLength(attempt!.responseBody!, "utf8")).toBe(16_384);
    expect(attempt!.responseBodyTruncated).toBe(true);
    expect(JSON.stringify(log)).not.toContain("token-1");
    expect(JSON.stringify(log)).not.toContain("retries-secret-0b1c2d3e");
  });

  it("retries when the origin fails and then delivers the origin's answer", async () => {
    const s = await scenario(app, "remote origin", { origin: { endpoint: originUrl(), body: seedOriginBodies.orderShort } });
    const order = await s.order();
    const [id] = await waitForDeliveryIds(app, { orderId: order.id }, 1, { key: s.key });
    const log = await waitForDelivery(app, id!, isFinished, { key: s.key });
    expect(log.status).toBe("SUCCEEDED");
    expect(log.attemptCount).toBe(2);
    const [failed, succeeded] = log.attempts;
    expect(failed!.error).toContain(originUrl());
    expect(failed!.responseStatus).toBeNull();
    expect(succeeded).toMatchObject({ responseStatus: 200, error: null });

    // Only the second attempt reached the receiver, with what the origin answered.
    expect(s.receiver.requests).toHaveLength(1);
    const [request] = s.receiver.requests;
    expect(request!.headers["webhook-id"]).toBe(id);
    expect(JSON.parse(request!.body)).toEqual(originAnswer);
    expect(log.payload).toBe(request!.body);

    // The origin was asked twice, with the order id substituted as a variable.
    expect(origin.requests).toHaveLength(2);
    for (const asked of origin.requests) expect(JSON.parse(asked.body).variables).toEqual({ id: order.id });
  });
});

describe("a delivery timeout (HOOKGATE_DELIVERY_TIMEOUT=300ms)", () => {
  const app = useTestApp({ HOOKGATE_DELIVERY_TIMEOUT: "300ms" }, { worker: true });

  it("records the timeout as a failed attempt without a status, then retries and succeeds", async () => {
    const s = await scenario(app, "timeout");
    s.receiver.answerNext({ status: 200, delayMs: 2_000 });
    await s.order();
    const [first, second] = await s.receiver.waitFor(2);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);

    const log = await waitForDelivery(app, String(first!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log).toMatchObject({ status: "SUCCEEDED", attemptCount: 2 });
    const [timedOut, succeeded] = log.attempts;
    expect(timedOut!.responseStatus).toBeNull();
    expect(timedOut!.error).toMatch(/within 300 ms/);
    expect(succeeded).toMatchObject({ responseStatus: 200, error: null });
  });
});
