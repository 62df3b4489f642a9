import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createEvent, createGroup } from "../../support/fixtures.js";
import { count } from "../../support/row-count.js";
import { type TestApp, useTestApp } from "../../support/test-app.js";

const deliveries = (app: TestApp) => count(app.db, sql`select count(*) as n from deliveries`);
const jobs = (app: TestApp) => count(app.db, sql`select count(*) as n from graphile_worker._private_jobs`);

const aliased = (n: number, field: (i: number) => string) =>
  `mutation { ${Array.from({ length: n }, (_, i) => `t${i}: ${field(i)}`).join("\n")} }`;

/** A group with an EVENT_CREATED hook; no worker runs, so what is queued stays to be counted. */
async function testGroup(app: TestApp): Promise<string> {
  const created = await createGroup(app, { name: "Queue cap", hooks: [{ type: "EVENT_CREATED", endpoint: "https://partner.example/hooks" }] });
  return created.webhookGroup.id;
}

const sendTest = (groupId: string) => () => `sendTestDelivery(groupId: "${groupId}", hookType: EVENT_CREATED) { id }`;

function expectRefusedWhole(result: { status: number; data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> }) {
  expect(result.status, JSON.stringify(result)).toBe(400);
  expect(result.data).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  expect(result.errors![0]!.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
}

describe("deliveries one request may queue, by default", () => {
  const app = useTestApp();
  let groupId = "";
  beforeAll(async () => {
    groupId = await testGroup(app);
  });

  it("refuses 40 aliased sendTestDelivery whole, naming the limit, and queues nothing", async () => {
    const result = await app.graphql(aliased(40, sendTest(groupId)));
    // 40 aliases are also past the query limits' 30 (query-limits.ts): both say so.
    expect(result.status, JSON.stringify(result)).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors!.map((error) => error.extensions?.code)).toEqual(["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_VALIDATION_FAILED"]);
    expect(result.errors!.map((error) => error.message)).toContain(
      "this request would queue 40 deliveries (sendTestDelivery ×40); one request may queue at most 10 " +
        "(HOOKGATE_MAX_QUEUED_PER_REQUEST); send the rest in further requests",
    );
    expect(await deliveries(app)).toBe(0);
    expect(await jobs(app)).toBe(0);
  });

  it("queues 10 aliased sendTestDelivery, the limit", async () => {
    const before = await deliveries(app);
    const result = await app.graphql(aliased(10, sendTest(groupId)));
    expect(result.errors).toBeUndefined();
    expect(await deliveries(app)).toBe(before + 10);
  });

  it("counts redeliver with sendTestDelivery, and runs none of them when over", async () => {
    const before = await deliveries(app);
    const mixed = aliased(11, (i) => (i % 2 ? sendTest(groupId)() : `redeliver(deliveryId: "${randomUUID()}") { id }`));
    const result = await app.graphql(mixed);
    expectRefusedWhole(result);
    expect(result.errors![0]!.message).toMatch(/would queue 11 deliveries \(redeliver ×6, sendTestDelivery ×5\)/);
    expect(await deliveries(app)).toBe(before);
  });

  it("takes recoverDeliveries, which queues up to 10,000 at once, only alone", async () => {
    const since = "2020-01-01T00:00:00Z";
    const recover = () => `recoverDeliveries(groupId: "${groupId}", since: "${since}")`;
    expectRefusedWhole(await app.graphql(aliased(2, recover)));
    const beside = await app.graphql(`mutation { r: ${recover()} s: ${sendTest(groupId)()} }`);
    expectRefusedWhole(beside);
    expect(beside.errors![0]!.message).toMatch(/recoverDeliveries queues up to 10000 deliveries at once/);
    expect(await app.graphql(`mutation { ${recover()} }`)).toMatchObject({ status: 200, data: { recoverDeliveries: 0 } });
  });
});

describe("origin previews in one request", () => {
  const app = useTestApp();

  it("runs one previewHookPayload, and refuses a request holding two or more, aliased or through a fragment", async () => {
    const event = await createEvent(app);
    const preview = (alias: string) => `${alias}: previewHookPayload(input: { hookType: EVENT_CREATED, eventId: "${event.id}" }) { body }`;
    const one = await app.graphql(`{ ${preview("a")} }`);
    expect(one.errors).toBeUndefined();
    for (const query of [
      `{ ${Array.from({ length: 30 }, (_, i) => preview(`p${i}`)).join(" ")} }`,
      `{ ${preview("a")} ...P } fragment P on Query { ${preview("b")} }`,
    ]) {
      const refused = await app.graphql(query);
      expectRefusedWhole(refused);
      expect(refused.errors![0]!.message).toMatch(/^previewHookPayload runs an origin query .* one request may hold it once/);
    }
  });
});

describe("HOOKGATE_MAX_QUEUED_PER_REQUEST=3", () => {
  const app = useTestApp({ HOOKGATE_MAX_QUEUED_PER_REQUEST: "3" });
  let groupId = "";
  beforeAll(async () => {
    groupId = await testGroup(app);
  });

  it("counts fields through fragments, each spread as often as it runs", async () => {
    const fields = `a: ${sendTest(groupId)()} b: ${sendTest(groupId)()}`;
    const twice = await app.graphql(`mutation { ...Two ... on Mutation { ...Two } } fragment Two on Mutation { ${fields} }`);
    expectRefusedWhole(twice);
    expect(twice.errors![0]!.message).toMatch(/would queue 4 deliveries .* at most 3 /);
    expect(await deliveries(app)).toBe(0);

    const once = await app.graphql(`mutation { ...Two c: ${sendTest(groupId)()} } fragment Two on Mutation { ${fields} }`);
    expect(once.errors).toBeUndefined();
    expect(await deliveries(app)).toBe(3);
  });

  it("counts a fragment spread twice in each of 40 levels at once, without walking its 2^40 paths", async () => {
    const levels = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Mutation { ...F${i + 1} ...F${i + 1} }`).join("\n");
    const started = Date.now();
    const result = await app.graphql(`mutation { ...F0 } ${levels} fragment F40 on Mutation { ${sendTest(groupId)()} }`);
    expectRefusedWhole(result);
    expect(result.errors![0]!.message).toMatch(/would queue 1099511627776 deliveries/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
