import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createApiKey } from "../../support/fixtures.js";
import { restClient } from "../../support/rest-client.js";
import { count } from "../../support/row-count.js";
import { type Answer, expectLimited, postGraphql, useSecondInstance } from "../../support/second-instance.js";
import { operatorToken, type TestApp, useTestApp } from "../../support/test-app.js";

const viewer = "{ viewer { role } }";
const createEvent = `mutation { createEvent(input: { title: "Limited", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`;

const expectRateLimited = (answer: Answer, windowSeconds: number) => expectLimited(answer, windowSeconds, "HOOKGATE_API_RATE_LIMIT");

async function spend(app: TestApp, times: number, auth: { key?: string; bearer?: string }, url = app.url) {
  for (let i = 0; i < times; i++) {
    const answer = await postGraphql(url, viewer, auth);
    expect(answer.status, `request ${i + 1}: ${JSON.stringify(answer.json)}`).toBe(200);
  }
}

const events = (app: TestApp) => count(app.db, sql`select count(*) as n from events`);

describe("HOOKGATE_API_RATE_LIMIT=3/2s", () => {
  const app = useTestApp({ HOOKGATE_API_RATE_LIMIT: "3/2s", HOOKGATE_API_RATE_BURST: "0" });

  it("answers a key over its limit 429 with Retry-After and RATE_LIMITED, runs nothing, and serves it again once the window has passed", async () => {
    const { apiKey } = await createApiKey(app, "ADMIN");
    await spend(app, 3, { key: apiKey });
    const before = await events(app);
    const retryAfter = expectRateLimited(await postGraphql(app.url, createEvent, { key: apiKey }), 2);
    expect(await events(app), "the refused createEvent wrote nothing").toBe(before);

    await sleep(retryAfter * 1_000);
    const again = await postGraphql(app.url, createEvent, { key: apiKey });
    expect(again.status).toBe(200);
    expect(again.json.data.createEvent.id).toBeTypeOf("string");
  });
});

// Windows far longer than the tests, so a slow machine cannot roll one over mid-test.
describe("HOOKGATE_API_RATE_LIMIT=5/30s without a burst", () => {
  const app = useTestApp({ HOOKGATE_API_RATE_LIMIT: "5/30s", HOOKGATE_API_RATE_BURST: "0" });

  it("counts each key on its own, and the operator token apart from every key", async () => {
    const spent = await createApiKey(app, "ADMIN");
    const other = await createApiKey(app, "VIEWER");
    await spend(app, 5, { key: spent.apiKey });
    expectRateLimited(await postGraphql(app.url, viewer, { key: spent.apiKey }), 30);
    await spend(app, 5, { key: other.apiKey });
    await spend(app, 5, { bearer: operatorToken });
    expectRateLimited(await postGraphql(app.url, viewer, { bearer: operatorToken }), 30);
  });

  it("answers the doo REST API 429 with Retry-After and RATE_LIMITED in its envelope", async () => {
    const { apiKey } = await createApiKey(app, "ADMIN");
    await spend(app, 5, { key: apiKey });
    const answer = await restClient(app).call("GET", `/v1/team/${app.defaultOrganizationId}/webhooks`, { key: apiKey });
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(answer.json).toMatchObject({ response_status: 429, code: "RATE_LIMITED" });
    expect(answer.json.developer_message).toMatch(/HOOKGATE_API_RATE_LIMIT/);
    expect(answer.json.user_message).toBe(answer.json.developer_message);
  });

  it("refuses a flood from memory: a key over its limit costs PostgreSQL no statement until its window ends", async () => {
    const { apiKey } = await createApiKey(app, "ADMIN");
    const pool = app.hookgate.services.pool;
    let statements = 0;
    const query = pool.query;
    pool.query = ((...args: Parameters<typeof query>) => {
      if (String((args[0] as { name?: string })?.name).startsWith("rate_limits:")) statements += 1;
      return (query as (...a: unknown[]) => unknown).apply(pool, args);
    }) as typeof query;
    try {
      await spend(app, 5, { key: apiKey });
      expect(statements, "one statement per admitted request").toBe(5);
      expectRateLimited(await postGraphql(app.url, viewer, { key: apiKey }), 30);
      expect(statements, "the first refusal learns from PostgreSQL that the key is over").toBe(6);
      const flood = await Promise.all(Array.from({ length: 50 }, () => postGraphql(app.url, viewer, { key: apiKey })));
      expect(flood.map((answer) => answer.status)).toEqual(Array(50).fill(429));
      expect(statements, "the flood after it cost nothing").toBe(6);
    } finally {
      pool.query = query;
    }
  });
});

describe("HOOKGATE_API_RATE_LIMIT=3/30s with HOOKGATE_API_RATE_BURST=2", () => {
  const app = useTestApp({ HOOKGATE_API_RATE_LIMIT: "3/30s", HOOKGATE_API_RATE_BURST: "2" });

  it("lets a key spend its burst beyond the rate, then refuses it", async () => {
    const { apiKey } = await createApiKey(app, "ADMIN");
    await spend(app, 5, { key: apiKey });
    expectRateLimited(await postGraphql(app.url, viewer, { key: apiKey }), 30);
  });
});

describe("two API processes on one database", () => {
  const app = useTestApp({ HOOKGATE_API_RATE_LIMIT: "6/30s", HOOKGATE_API_RATE_BURST: "0" });
  const second = useSecondInstance(app);

  it("share each key's budget: requests spread over both are counted together", async () => {
    const { apiKey } = await createApiKey(app, "ADMIN");
    for (let i = 0; i < 3; i++) {
      await spend(app, 1, { key: apiKey });
      await spend(app, 1, { key: apiKey }, second.url);
    }
    expectRateLimited(await postGraphql(second.url, viewer, { key: apiKey }), 30);
    expectRateLimited(await postGraphql(app.url, viewer, { key: apiKey }), 30);
  });
});
