import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { waitUntilSettled } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup, createOrder } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";
import { scrape } from "./scrape.js";

// Issue 13, part 1: what /metrics says after real deliveries (an API and a worker in one process,
// as `npm start` runs them), checked against what the receiver, the token endpoint and the
// delivery log saw. Three rounds after the first failure (HOOKGATE_RETRY_SCHEDULE 100ms,200ms,300ms).

// The held requests must outlast the gauges' 5 s cache unanswered.
const app = useTestApp({ HOOKGATE_DELIVERY_TIMEOUT: "20s" }, { worker: true });
const receiver = useReceiver();
const tokens = useTokenEndpoint();
const failingTokens = useTokenEndpoint();
let release: () => void = () => {};
const held = new Promise<void>((resolve) => (release = resolve));

beforeAll(async () => {
  receiver.answerAlways((request) => {
    if (request.path === "/fail") return { status: 500 };
    if (request.path === "/hold") return { status: 200, until: held };
    return { status: 204 };
  });
  failingTokens.failWith(500);
  const authentication = (endpoint: string) => ({ endpoint, credentials: { clientId: "doo", clientSecret: "a-client-secret-for-metrics" } });
  await createGroup(app, {
    name: "succeeds and fails",
    hooks: [
      { type: "EVENT_CREATED", endpoint: `${receiver.url}/ok` },
      { type: "EVENT_UPDATED", endpoint: `${receiver.url}/fail` },
    ],
    authentication: authentication(tokens.url),
  });
  await createGroup(app, { name: "no token", hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}/ok` }], authentication: authentication(failingTokens.url) });
  await createGroup(app, { name: "held", hooks: [{ type: "EVENT_REMOVED", endpoint: `${receiver.url}/hold` }], authentication: undefined });
});

async function attemptsByOutcome(): Promise<Record<string, number>> {
  const { rows } = await sql<{ outcome: string; n: string }>`
    select case when response_status between 200 and 299 then 'succeeded'
                when response_status is not null then 'failed'
                when request_headers = '{}'::jsonb then 'not_sent' else 'no_answer' end as outcome,
           count(*) as n
    from delivery_attempts group by 1`.execute(app.db);
  return Object.fromEntries(rows.map((row) => [row.outcome, Number(row.n)]));
}

describe("/metrics after real deliveries", () => {
  let events: string[] = [];

  it("counts publications, rounds, attempts, token fetches and API requests as they happened", async () => {
    events = [];
    for (let i = 0; i < 3; i++) events.push((await createEvent(app, { title: `Show ${i}` })).id);
    await graphqlData(app, `mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Renamed" }) { id } }`, { id: events[0] });
    await createOrder(app, events[1]!);
    await graphqlData(app, "{ deliveries(first: 1) { totalCount } }");
    await waitUntilSettled(app);

    const metrics = await scrape(app.url);
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toContain("text/plain");
    expect(metrics.value("hookgate_publications_total", { type: "EVENT_CREATED" })).toBe(3);
    expect(metrics.value("hookgate_publications_total", { type: "EVENT_UPDATED" })).toBe(1);
    expect(metrics.value("hookgate_publications_total", { type: "ORDER_CREATED" })).toBe(1);
    expect(metrics.value("hookgate_publications_total", { type: "EVENT_REMOVED" })).toBe(0);

    // Three created events delivered; the update failed its four rounds; the order had no token for its four.
    expect(receiver.requests.filter((request) => request.path === "/ok")).toHaveLength(3);
    expect(receiver.requests.filter((request) => request.path === "/fail")).toHaveLength(4);
    expect(metrics.value("hookgate_deliveries_total", { status: "SUCCEEDED" })).toBe(3);
    expect(metrics.value("hookgate_deliveries_total", { status: "RETRYING" })).toBe(6);
    expect(metrics.value("hookgate_deliveries_total", { status: "FAILED" })).toBe(2);
    expect(metrics.value("hookgate_deliveries_total", { status: "GONE" })).toBe(0);

    // The histogram counts every attempt of the delivery log, by how it ended.
    const logged = await attemptsByOutcome();
    expect(logged).toEqual({ succeeded: 3, failed: 4, not_sent: 4 });
    for (const [outcome, count] of Object.entries(logged)) {
      expect(metrics.value("hookgate_delivery_attempt_duration_seconds_count", { outcome }), outcome).toBe(count);
    }
    expect(metrics.value("hookgate_delivery_attempt_duration_seconds_count", { outcome: "no_answer" })).toBe(0);
    const succeededSeconds = metrics.value("hookgate_delivery_attempt_duration_seconds_sum", { outcome: "succeeded" })!;
    expect(succeededSeconds).toBeGreaterThan(0);
    expect(succeededSeconds).toBeLessThan(15);

    // One token for the working endpoint (cached for every delivery after); a failed fetch is not
    // cached, so the failing endpoint was asked once a round.
    expect(tokens.requests).toHaveLength(1);
    expect(failingTokens.requests).toHaveLength(4);
    expect(metrics.value("hookgate_token_fetches_total", { outcome: "succeeded" })).toBe(1);
    expect(metrics.value("hookgate_token_fetches_total", { outcome: "failed" })).toBe(4);

    // createGroup ×3, createEvent ×3, updateEvent, createOrder; one query.
    expect(metrics.value("hookgate_api_request_duration_seconds_count", { operation_type: "mutation" })).toBe(8);
    expect(metrics.value("hookgate_api_request_duration_seconds_count", { operation_type: "query" })).toBe(1);
    expect(metrics.value("hookgate_rate_limited_total")).toBe(0);
    // Node's own process metrics come along.
    expect(metrics.value("process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(metrics.text).toContain("nodejs_eventloop_lag_seconds");
  });

  it("reports the deliveries still pending, from the database, and their age", async () => {
    const settled = await scrape(app.url);
    expect(settled.value("hookgate_deliveries_pending", { status: "PENDING" })).toBe(0);
    expect(settled.value("hookgate_deliveries_pending", { status: "RETRYING" })).toBe(0);
    expect(settled.value("hookgate_oldest_pending_delivery_age_seconds", { status: "PENDING" })).toBe(0);

    for (const id of events.slice(0, 2)) await graphqlData(app, `mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id });
    // Both POSTs are in the receiver's hands, unanswered: their first round is not recorded yet.
    await eventually(() => receiver.requests.filter((request) => request.path === "/hold").length, (n) => n === 2, { what: "two held requests" });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // The gauges' answer is kept 5 s: the scrape above may still be what a scrape says.
    const pending = await eventually(() => scrape(app.url), (answer) => answer.value("hookgate_deliveries_pending", { status: "PENDING" }) === 2, {
      timeoutMs: 10_000, intervalMs: 250, what: "2 pending deliveries on /metrics",
    });
    const { rows } = await sql<{ n: string }>`select count(*) as n from deliveries where finished_at is null`.execute(app.db);
    expect(Number(rows[0]!.n)).toBe(2);
    expect(pending.value("hookgate_deliveries_pending", { status: "RETRYING" })).toBe(0);
    // Being sent, not answered yet: due since they were published, over a second ago.
    const age = pending.value("hookgate_oldest_pending_delivery_age_seconds", { status: "PENDING" })!;
    expect(age).toBeGreaterThanOrEqual(1);
    expect(age).toBeLessThan(30);

    release();
    await waitUntilSettled(app);
    const after = await eventually(() => scrape(app.url), (answer) => answer.value("hookgate_deliveries_pending", { status: "PENDING" }) === 0, {
      timeoutMs: 10_000, intervalMs: 250, what: "no pending delivery on /metrics",
    });
    expect(after.value("hookgate_deliveries_total", { status: "SUCCEEDED" })).toBe(5);
  });
});
