import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { useCleanup } from "../support/cleanup.js";
import { isFinished, waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { createEvent, createOrder } from "../support/fixtures.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { useTestApp } from "../support/test-app.js";
import { startTokenEndpoint } from "../support/token-endpoint.js";

// hookgate runs in this process, and its token cache reads the process clock: a test moves that
// clock forward instead of waiting for a token to expire. Installed before the app starts, so the
// cache reads it (it may keep a reference to Date.now from its construction).
let clockOffsetMs = 0;
beforeAll(() => {
  const realNow = Date.now;
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + clockOffsetMs);
});
afterAll(() => {
  vi.restoreAllMocks();
});
afterEach(() => {
  clockOffsetMs = 0;
});

// Retries come slowly enough that a test can flip the token endpoint back on between two attempts.
const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "500ms,500ms,500ms,500ms,500ms,500ms" }, { worker: true });

const clientSecret = "token-test-secret-Q9x2LmZ7";
const closeAfterTest = useCleanup();

/**
 * A fresh organization (so no other test's groups match its orders), an event, a receiver, a token
 * endpoint, and a group with one ORDER_CREATED hook to the receiver.
 */
async function scenario(
  name: string,
  options: {
    expiresIn?: number;
    authentication?: "none" | Record<string, unknown>;
  } = {},
) {
  const tokens = await startTokenEndpoint(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn });
  closeAfterTest(tokens.close);
  const authentication =
    options.authentication === "none"
      ? undefined
      : { endpoint: tokens.url, credentials: { clientId: "doo-client", clientSecret }, ...options.authentication };
  const s = await isolatedGroup(app, closeAfterTest, name, { type: "ORDER_CREATED", path: "/orders" }, authentication ? { authentication } : {});
  const event = await createEvent(app, { title: `${name} event` }, s.key);
  return { ...s, tokens, event, order: () => createOrder(app, event.id, s.key) };
}

describe("OAuth2 client-credentials tokens for deliveries", () => {
  it("fetches one token for 200 deliveries to the same credential", { timeout: 90_000 }, async () => {
    const s = await scenario("two hundred");
    const orders: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const created = await Promise.all(Array.from({ length: 20 }, () => s.order()));
      orders.push(...created.map((order) => order.id));
    }

    const requests = await s.receiver.waitFor(200, 60_000);
    expect(requests).toHaveLength(200);
    expect(requests.every((request) => request.headers.authorization === "Bearer token-1")).toBe(true);
    // Each order delivered once, with its own webhook-id.
    const delivered = requests.map((request) => JSON.parse(request.body).order_id as string);
    expect(new Set(delivered)).toEqual(new Set(orders));
    expect(new Set(requests.map((request) => request.headers["webhook-id"])).size).toBe(200);

    expect(s.tokens.requests).toHaveLength(1);
    const [tokenRequest] = s.tokens.requests;
    expect(tokenRequest!.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(tokenRequest!.headers.authorization).toBeUndefined();
    expect(tokenRequest!.form.get("grant_type")).toBe("client_credentials");
    expect(tokenRequest!.form.get("client_id")).toBe("doo-client");
    expect(tokenRequest!.form.get("client_secret")).toBe(clientSecret);
  });

  it("fetches a new token once the old one has expired", async () => {
    const s = await scenario("expiry", { expiresIn: 2 });
    await s.order();
    const [first] = await s.receiver.waitFor(1);
    expect(first!.headers.authorization).toBe("Bearer token-1");

    expect(s.tokens.requests).toHaveLength(1);

    // expires_in is 2 s: a delivery well after that gets a fresh token.
    clockOffsetMs += 2_500;
    await s.order();
    const [, second] = await s.receiver.waitFor(2);
    expect(second!.headers.authorization).toBe("Bearer token-2");
    expect(s.tokens.requests).toHaveLength(2);
  });

  it("on a 401 discards the token, fetches a new one and retries once at once", async () => {
    const s = await scenario("unauthorized");
    s.receiver.answerNext({ status: 401, body: "token revoked" });
    await s.order();
    const [first, second] = await s.receiver.waitFor(2);
    expect(first!.headers.authorization).toBe("Bearer token-1");
    expect(second!.headers.authorization).toBe("Bearer token-2");
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    expect(s.tokens.requests).toHaveLength(2);

    const log = await waitForDelivery(app, String(first!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log.status).toBe("SUCCEEDED");
    expect(log.attemptCount).toBe(2);
    expect(log.attempts).toHaveLength(2);
    expect(log.attempts[0]).toMatchObject({ number: 1, responseStatus: 401, responseBody: "token revoked" });
    expect(log.attempts[0]!.error).toMatch(/401/);
    expect(log.attempts[1]).toMatchObject({ number: 2, responseStatus: 200, error: null });
    expect(log.attempts[1]!.requestHeaders.authorization).toBe("Bearer [redacted]");
    expect(log.payload).toBe(first!.body);
    // No third request: one 401 retry, and then success, and nothing left to send.
    await waitUntilSettled(app, { groupId: s.group.id });
    expect(s.receiver.requests).toHaveLength(2);
  });

  it("retries a 401 once per round: a second 401 ends the round, and the next round keeps the fresh token", async () => {
    const s = await scenario("unauthorized twice");
    s.receiver.answerNext({ status: 401, body: "token revoked" });
    s.receiver.answerNext({ status: 401, body: "still revoked" });
    await s.order();
    const [first] = await s.receiver.waitFor(1);
    const log = await waitForDelivery(app, String(first!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log.status).toBe("SUCCEEDED");
    expect(log.attempts.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([[1, 401], [2, 401], [3, 200]]);
    // The round's two attempts were made at once; the third waited for the next round.
    expect(Date.parse(log.attempts[2]!.startedAt) - Date.parse(log.attempts[1]!.startedAt)).toBeGreaterThanOrEqual(300);
    await waitUntilSettled(app, { groupId: s.group.id });
    expect(s.receiver.requests.map((request) => request.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2", "Bearer token-2"]);
    expect(s.tokens.requests).toHaveLength(2);
  });

  it("signs the retry after a 401 once its fresh token is in hand, and logs it from then", async () => {
    const s = await scenario("slow fresh token");
    let answer401: () => void = () => {};
    s.receiver.answerNext({ status: 401, until: new Promise<void>((resolve) => (answer401 = resolve)) });
    await s.order();
    await s.receiver.waitFor(1);
    // Token 1 came at once; token 2, asked for after the 401, takes 1.5 s.
    s.tokens.answerAfter(1_500);
    answer401();
    const [first, second] = await s.receiver.waitFor(2);
    expect(second!.headers.authorization).toBe("Bearer token-2");
    expect(Number(second!.headers["webhook-timestamp"]) - Number(first!.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(1);
    const log = await waitForDelivery(app, String(first!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(Date.parse(log.attempts[1]!.startedAt) - Date.parse(log.attempts[0]!.startedAt)).toBeGreaterThanOrEqual(1_400);
  });

  it("keeps retrying while the token endpoint is down, then delivers once it is back", async () => {
    const s = await scenario("token endpoint down");
    s.tokens.failWith(500);
    const order = await s.order();
    const [id] = await waitForDeliveryIds(app, { orderId: order.id }, 1, { key: s.key });

    const failing = await waitForDelivery(app, id!, (d) => d.attemptCount >= 2, { key: s.key });
    expect(failing.status).toBe("RETRYING");
    expect(failing.nextAttemptAt).not.toBeNull();
    for (const attempt of failing.attempts) {
      expect(attempt.error).toContain(s.tokens.url);
      expect(attempt.error).toMatch(/500/);
      expect(attempt.responseStatus).toBeNull();
    }
    expect(s.receiver.requests).toHaveLength(0);

    s.tokens.failWith(null);
    const log = await waitForDelivery(app, id!, isFinished, { key: s.key });
    expect(log.status).toBe("SUCCEEDED");
    const last = log.attempts.at(-1)!;
    expect(last).toMatchObject({ responseStatus: 200, error: null });
    expect(log.attempts.slice(0, -1).every((attempt) => attempt.error?.includes(s.tokens.url))).toBe(true);
    const [request] = await s.receiver.waitFor(1);
    expect(request!.headers.authorization).toBe("Bearer token-1");
    expect(request!.headers["webhook-id"]).toBe(id);

    // The client secret is in no error, no stored answer, nowhere in the log.
    expect(JSON.stringify(log)).not.toContain(clientSecret);
  });

  it("sends no Authorization header for a group without authentication", async () => {
    const s = await scenario("no auth", { authentication: "none" });
    await s.order();
    const [request] = await s.receiver.waitFor(1);
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(s.tokens.requests).toHaveLength(0);
    const log = await waitForDelivery(app, String(request!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log.status).toBe("SUCCEEDED");
    expect(log.attempts[0]!.requestHeaders).not.toHaveProperty("authorization");
  });

  it("honours a custom header name and value format", async () => {
    const s = await scenario("custom header", {
      authentication: { headerFormat: "X-Partner-Token", headerValueFormat: "Token %ACCESS_TOKEN%" },
    });
    expect(s.group.authentication).toMatchObject({ headerFormat: "X-Partner-Token", headerValueFormat: "Token %ACCESS_TOKEN%" });
    await s.order();
    const [request] = await s.receiver.waitFor(1);
    expect(request!.headers["x-partner-token"]).toBe("Token token-1");
    expect(request!.headers.authorization).toBeUndefined();
    const log = await waitForDelivery(app, String(request!.headers["webhook-id"]), isFinished, { key: s.key });
    expect(log.status).toBe("SUCCEEDED");
    expect(log.attempts[0]!.requestHeaders["x-partner-token"]).toBe("Token [redacted]");
    expect(JSON.stringify(log)).not.toContain("token-1");
  });
});
