import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { restClient } from "../../support/rest-client.js";
import { type Answer, expectLimited, postGraphql, useSecondInstance } from "../../support/second-instance.js";
import { type TestApp, useTestApp } from "../../support/test-app.js";

const viewer = "{ viewer { role } }";
const createOrganization = `mutation { createOrganization(name: "Guessed") { organization { id } } }`;
const wrongKey = (i: number) => `hg_${"x".repeat(40)}${i}`;
const wrongOperatorToken = (i: number) => `guessed-operator-token-0123456789abcdef-${i}`;

const expectThrottled = (answer: Answer, windowSeconds: number) => expectLimited(answer, windowSeconds, "HOOKGATE_AUTH_FAILURE_LIMIT");

async function fail(url: string, auth: { key?: string; bearer?: string; headers?: Record<string, string> }, query = viewer) {
  const answer = await postGraphql(url, query, auth);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  expect(answer.json.errors[0].extensions.code).toBe("UNAUTHENTICATED");
}

const organizations = async (app: TestApp) => (await app.db.selectFrom("organizations").select("id").execute()).length;

describe("HOOKGATE_AUTH_FAILURE_LIMIT=5/4s", () => {
  const app = useTestApp({ HOOKGATE_AUTH_FAILURE_LIMIT: "5/4s" });

  it("throttles wrong API keys from one address, refuses even a right key until the window passes, then lets it in", async () => {
    for (let i = 0; i < 5; i++) await fail(app.url, { key: wrongKey(i) });
    expectThrottled(await postGraphql(app.url, viewer, { key: wrongKey(5) }), 4);
    // A right key answered 200 here would tell a guesser which guess was right.
    const retryAfter = expectThrottled(await postGraphql(app.url, viewer, { key: app.adminKey }), 4);
    await sleep(retryAfter * 1_000);
    const after = await postGraphql(app.url, viewer, { key: app.adminKey });
    expect(after.json).toEqual({ data: { viewer: { role: "ADMIN" } } });
  });
});

// Windows far longer than the tests, so a slow machine cannot roll one over mid-test.
describe("wrong operator tokens", () => {
  const app = useTestApp({ HOOKGATE_AUTH_FAILURE_LIMIT: "5/30s" });

  it("count as failures, mixed with wrong keys over GraphQL and REST, and a throttled guess creates nothing", async () => {
    const before = await organizations(app);
    for (let i = 0; i < 3; i++) await fail(app.url, { bearer: wrongOperatorToken(i) }, createOrganization);
    await fail(app.url, { key: wrongKey(0) });
    const rest = await restClient(app).call("GET", `/v1/team/${app.defaultOrganizationId}/webhooks`, { key: wrongKey(1) });
    expect(rest.status).toBe(401);
    const throttled = await postGraphql(app.url, createOrganization, { bearer: wrongOperatorToken(9) });
    expectThrottled(throttled, 30);
    const restThrottled = await restClient(app).call("GET", `/v1/team/${app.defaultOrganizationId}/webhooks`, { key: wrongKey(2) });
    expect(restThrottled.status).toBe(429);
    expect(Number(restThrottled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(restThrottled.json).toMatchObject({ response_status: 429, code: "RATE_LIMITED" });
    expect(await organizations(app)).toBe(before);
  });
});

describe("two API processes on one database", () => {
  const app = useTestApp({ HOOKGATE_AUTH_FAILURE_LIMIT: "6/30s" });
  const second = useSecondInstance(app);

  it("count an address's failures together, whichever process each guess reaches", async () => {
    for (let i = 0; i < 3; i++) {
      await fail(app.url, { key: wrongKey(i) });
      await fail(second.url, { key: wrongKey(10 + i) });
    }
    expectThrottled(await postGraphql(second.url, viewer, { key: wrongKey(20) }), 30);
    expectThrottled(await postGraphql(app.url, viewer, { key: wrongKey(21) }), 30);
  });
});

// Behind a reverse proxy every client arrives from the proxy's address.
describe("HOOKGATE_TRUSTED_PROXY_HOPS", () => {
  const forwardedFor = (chain: string) => ({ "x-forwarded-for": chain });

  describe("=1 (one proxy in front)", () => {
    const app = useTestApp({ HOOKGATE_AUTH_FAILURE_LIMIT: "3/30s", HOOKGATE_TRUSTED_PROXY_HOPS: "1" });

    it("throttles the client the proxy names, not every client behind it, and believes no entry a client wrote", async () => {
      for (let i = 0; i < 3; i++) await fail(app.url, { key: wrongKey(i), headers: forwardedFor("203.0.113.7") });
      expectThrottled(await postGraphql(app.url, viewer, { key: wrongKey(3), headers: forwardedFor("203.0.113.7") }), 30);
      expectThrottled(await postGraphql(app.url, viewer, { key: app.adminKey, headers: forwardedFor("203.0.113.7") }), 30);
      // The guesser writing another address in front of the one the proxy appends changes nothing.
      expectThrottled(await postGraphql(app.url, viewer, { key: wrongKey(9), headers: forwardedFor("198.51.100.1, 203.0.113.7") }), 30);
      // Another tenant behind the same proxy is let in.
      const other = await postGraphql(app.url, viewer, { key: app.adminKey, headers: forwardedFor("198.51.100.1") });
      expect(other.json).toEqual({ data: { viewer: { role: "ADMIN" } } });
    });
  });

  describe("=0 (the default: no proxy)", () => {
    const app = useTestApp({ HOOKGATE_AUTH_FAILURE_LIMIT: "3/30s" });

    it("ignores X-Forwarded-For: a client cannot dodge the throttle by writing one", async () => {
      for (let i = 0; i < 3; i++) await fail(app.url, { key: wrongKey(i), headers: forwardedFor(`192.0.2.${i}`) });
      expectThrottled(await postGraphql(app.url, viewer, { key: wrongKey(5), headers: forwardedFor("192.0.2.99") }), 30);
    });
  });
});
