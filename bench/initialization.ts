/**
 * Backfills N existing orders through initializeWebhookGroup and reports the time and the
 * process's memory, to show a large initialization never loads its rows at once:
 *
 *   DATABASE_URL=postgres://… npx tsx bench/initialization.ts [--orders=100000] [--per-second=5000]
 *
 * hookgate (API and worker) runs in this process on a fresh database (dropped after), against a
 * loopback receiver that answers 200. `--per-second` is the group's maxRequestsPerSecond, the
 * backfill's pace (without it: 50 a second, which for 100,000 orders is over half an hour).
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { sql } from "kysely";
import pg from "pg";
import { startHookgate } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createDatabase } from "../src/store/database.js";

const option = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const orders = option("orders", 100_000);
const perSecond = option("per-second", 5_000);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error("set DATABASE_URL to a PostgreSQL server on which databases may be created");

const name = `hookgate_init_bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;

let received = 0;
const receiver = http.createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    received += 1;
    response.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/orders`;

let banner = "";
const hookgate = await startHookgate(
  loadConfig({
    DATABASE_URL: url.href,
    PORT: "0",
    HOST: "127.0.0.1",
    HOOKGATE_SECRET_KEY: randomBytes(32).toString("base64"),
    HOOKGATE_ALLOW_PRIVATE_TARGETS: "true",
    HOOKGATE_API_RATE_LIMIT: "off",
    LOG_LEVEL: "warn",
  }),
  { announce: (text) => (banner = text), roles: { api: true, worker: true } },
);
const key = /admin API key:\s+(\S+)/.exec(banner)![1]!;
const organizationId = /organization id:\s+(\S+)/.exec(banner)![1]!;
const graphql = async (query: string, variables: Record<string, unknown>) => {
  const response = await fetch(`${hookgate.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

const db = createDatabase(url.href, { max: 2 });
try {
  const event = await graphql(`mutation { createEvent(input: { title: "Bench", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`, {});
  const seeded = Date.now();
  await sql`insert into orders (organization_id, event_id, hash, total, currency, created_at)
    select ${organizationId}, ${event.createEvent.id}, md5(n::text), 10 + n % 90, 'EUR', now() - (${orders} - n) * interval '1 millisecond'
    from generate_series(1, ${orders}) n`.execute(db);
  await sql`analyze orders`.execute(db);
  console.log(`seeded ${orders} orders in ${Date.now() - seeded} ms`);
  const group = await graphql(
    `mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { webhookGroup { id } } }`,
    { input: { name: "bench", maxRequestsPerSecond: perSecond, hooks: [{ type: "ORDER_CREATED", endpoint: receiverUrl }] } },
  );

  global.gc?.();
  const baseline = process.memoryUsage();
  let peak = { rss: baseline.rss, heapUsed: baseline.heapUsed };
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peak = { rss: Math.max(peak.rss, now.rss), heapUsed: Math.max(peak.heapUsed, now.heapUsed) };
  }, 200);
  const started = Date.now();
  const asked = await graphql(
    `mutation ($id: ID!) { initializeWebhookGroup(groupId: $id, input: { types: [ORDER_CREATED] }) { id queued } }`,
    { id: group.createWebhookGroup.webhookGroup.id },
  );
  const answeredMs = Date.now() - started;
  const id = asked.initializeWebhookGroup.id;
  let state: any;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    state = (await graphql(`query ($id: ID!) { initialization(id: $id) { queued delivered failed finishedAt } }`, { id })).initialization;
    process.stdout.write(`\r${state.delivered} delivered, ${state.failed} failed, ${received} received, rss ${mb(process.memoryUsage().rss)}   `);
    if (state.finishedAt) break;
  }
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1_000;
  const reading = Date.now();
  await graphql(`query ($id: ID!) { initialization(id: $id) { queued delivered failed finishedAt } }`, { id });
  console.log(`\n${JSON.stringify({
    orders,
    perSecond,
    queued: asked.initializeWebhookGroup.queued,
    mutationAnsweredMs: answeredMs,
    ...state,
    received,
    seconds,
    deliveriesPerSecond: Math.round(state.delivered / seconds),
    rssBaselineMb: mb(baseline.rss),
    rssPeakMb: mb(peak.rss),
    heapBaselineMb: mb(baseline.heapUsed),
    heapPeakMb: mb(peak.heapUsed),
    progressReadMs: Date.now() - reading,
  }, null, 2)}`);
} finally {
  await db.destroy();
  await hookgate.stop();
  receiver.close();
  await admin.query(`drop database ${name} with (force)`);
  await admin.end();
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
