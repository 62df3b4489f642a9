import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type RawBuilder, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish } from "../../src/publish/publish.js";
import type { Db } from "../../src/store/database.js";
import { createEvent, createEventGuide, createGroup, createOrder } from "../support/fixtures.js";
import { startReceiver, type Receiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// DESIGN.md, "Data flow": publish matches hooks by type and scope (the whole organization, one
// event, or the events of one guide), in the same transaction as the change.

/** How long to keep listening after the expected requests arrived, for any that should not come. */
const graceMs = 1_000;

async function count(db: Db, query: RawBuilder<{ n: string }>): Promise<number> {
  return Number((await query.execute(db)).rows[0]!.n);
}

const deliveriesIn = (db: Db) => count(db, sql<{ n: string }>`select count(*) as n from deliveries`);
const publicationsIn = (db: Db) => count(db, sql<{ n: string }>`select count(*) as n from publications`);
const jobsIn = (db: Db) => count(db, sql<{ n: string }>`select count(*) as n from graphile_worker.jobs`);

describe("the scope matrix", () => {
  const app = useTestApp({}, { worker: true });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  const scopedTypes = ["EVENT_CREATED", "EVENT_UPDATED", "ORDER_CREATED", "ORDER_CANCELLED"] as const;
  const hooksTo = (path: string) => scopedTypes.map((type) => ({ type, endpoint: `${receiver.url}${path}` }));

  /** (path, type, event_id) of every request so far, sorted: a multiset to compare whole. */
  const received = () =>
    receiver.requests
      .map((request) => {
        const body = JSON.parse(request.body);
        return `${request.path} ${body.type} ${body.event_id}`;
      })
      .sort();

  async function expectExactly(expected: string[]) {
    await receiver.waitFor(expected.length);
    await sleep(graceMs);
    expect(received()).toEqual([...expected].sort());
  }

  async function mutate(mutation: string, variables: Record<string, unknown>, key = app.adminKey) {
    const result = await app.graphql(mutation, variables, { key });
    expect(result.errors, mutation).toBeUndefined();
    return result.data!;
  }
  const updateEvent = (id: string, title: string, key = app.adminKey) =>
    mutate(`mutation ($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id } }`, { id, input: { title } }, key);

  const ids = { g1: "", g2: "", e1: "", e2: "", e3: "", e4: "", otherEvent: "", orgGroup: "", eventGroup: "", guideGroup: "" };
  let other: { id: string; adminKey: string };

  it("delivers each change to exactly the groups whose scope covers it", async () => {
    ids.g1 = (await createEventGuide(app, "G1")).id;
    ids.g2 = (await createEventGuide(app, "G2")).id;
    ids.e1 = (await createEvent(app, { title: "E1", eventGuideId: ids.g1 })).id;
    ids.orgGroup = (await createGroup(app, { name: "org-wide", hooks: hooksTo("/org") })).webhookGroup.id;
    ids.eventGroup = (await createGroup(app, { name: "E1 only", eventId: ids.e1, hooks: hooksTo("/event") })).webhookGroup.id;
    ids.guideGroup = (await createGroup(app, { name: "G1 only", eventGuideId: ids.g1, hooks: hooksTo("/guide") })).webhookGroup.id;
    other = await app.createOrganization("Another organization");
    await createGroup(app, { name: "other org-wide", hooks: hooksTo("/other") }, other.adminKey);

    await updateEvent(ids.e1, "E1, renamed");
    ids.e2 = (await createEvent(app, { title: "E2", eventGuideId: ids.g1 })).id;
    ids.e3 = (await createEvent(app, { title: "E3", eventGuideId: ids.g2 })).id;
    ids.e4 = (await createEvent(app, { title: "E4, no guide" })).id;
    const orderOnE1 = await createOrder(app, ids.e1);
    const orderOnE3 = await createOrder(app, ids.e3);
    // Cancelling publishes without the guide in hand: publish takes it from the order's event.
    for (const order of [orderOnE1, orderOnE3]) {
      await mutate(`mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: order.id });
    }
    ids.otherEvent = (await createEvent(app, { title: "elsewhere" }, other.adminKey)).id;
    await createOrder(app, ids.otherEvent, other.adminKey);

    await expectExactly([
      `/org event_updated ${ids.e1}`,
      `/event event_updated ${ids.e1}`,
      `/guide event_updated ${ids.e1}`,
      `/org event_created ${ids.e2}`,
      `/guide event_created ${ids.e2}`,
      `/org event_created ${ids.e3}`,
      `/org event_created ${ids.e4}`,
      `/org order_created ${ids.e1}`,
      `/event order_created ${ids.e1}`,
      `/guide order_created ${ids.e1}`,
      `/org order_created ${ids.e3}`,
      `/org order_cancelled ${ids.e1}`,
      `/event order_cancelled ${ids.e1}`,
      `/guide order_cancelled ${ids.e1}`,
      `/org order_cancelled ${ids.e3}`,
      `/other event_created ${ids.otherEvent}`,
      `/other order_created ${ids.otherEvent}`,
    ]);
    // The other organization's deliveries are its own, and carry its organization id.
    for (const request of receiver.requests) {
      const body = JSON.parse(request.body);
      expect(body.organization_id).toBe(request.path === "/other" ? other.id : app.defaultOrganizationId);
    }
  });

  it("delivers nothing to deleted or replaced groups for later changes", async () => {
    expect(ids.e1, "needs the matrix test's data").not.toBe("");
    const before = received();
    const deleted = await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: ids.guideGroup });
    expect(deleted.data?.deleteWebhookGroup).toBe(true);
    const replaced = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
      { id: ids.eventGroup, input: { name: "E1 only, v2", eventId: ids.e1, hooks: hooksTo("/event-v2") } },
    );
    expect(replaced.errors).toBeUndefined();

    await updateEvent(ids.e1, "E1, renamed again");
    await updateEvent(ids.e2, "E2, renamed");
    await createOrder(app, ids.e1);

    await expectExactly([
      ...before,
      `/org event_updated ${ids.e1}`,
      `/event-v2 event_updated ${ids.e1}`,
      `/org event_updated ${ids.e2}`,
      `/org order_created ${ids.e1}`,
      `/event-v2 order_created ${ids.e1}`,
    ]);
  });

  it("a refused change (createOrder on a removed event) delivers nothing and publishes nothing", async () => {
    const start = receiver.requests.length;
    const event = await createEvent(app, { title: "Gone soon" });
    await mutate(`mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: event.id });
    // The org-wide group hears the creation (it has no EVENT_REMOVED hook).
    await receiver.waitFor(start + 1);
    await sleep(graceMs);
    const heard = receiver.requests.length;
    const [deliveries, publications] = [await deliveriesIn(app.db), await publicationsIn(app.db)];

    const refused = await app.graphql(
      `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }`,
      { input: { eventId: event.id, total: 10, currency: "EUR" } },
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.eventId" });
    expect(refused.data?.createOrder ?? null).toBeNull();

    await sleep(graceMs);
    expect(receiver.requests).toHaveLength(heard);
    expect(await deliveriesIn(app.db)).toBe(deliveries);
    expect(await publicationsIn(app.db)).toBe(publications);
    const orders = await app.graphql(`query ($id: ID!) { orders(eventId: $id, includeRemoved: true) { totalCount } }`, { id: event.id });
    expect(orders.data?.orders.totalCount).toBe(0);
  });
});

describe("publish in a transaction that rolls back", () => {
  // No worker: nothing but this test touches the queue.
  const app = useTestApp({}, { worker: false });

  it("leaves no publication, delivery or job behind", async () => {
    const event = await createEvent(app, { title: "Rolled back" });
    await createGroup(app, {
      name: "org-wide",
      hooks: [
        { type: "EVENT_UPDATED", endpoint: "https://partner.example/a" },
        { type: "EVENT_UPDATED", endpoint: "https://partner.example/b" },
      ],
    });
    const before = { deliveries: await deliveriesIn(app.db), publications: await publicationsIn(app.db), jobs: await jobsIn(app.db) };

    const rollback = new Error("the change failed after publishing");
    let inside: { deliveryCount: number; deliveries: number; jobs: number } | undefined;
    await expect(
      app.db.transaction().execute(async (trx) => {
        const { deliveryCount } = await publish(trx, {
          organizationId: app.defaultOrganizationId,
          type: "EVENT_UPDATED",
          eventId: event.id,
          orderId: null,
        });
        // Inside the transaction the fan-out is there: what the rollback must undo.
        inside = { deliveryCount, deliveries: await deliveriesIn(trx), jobs: await jobsIn(trx) };
        throw rollback;
      }),
    ).rejects.toBe(rollback);

    expect(inside).toEqual({ deliveryCount: 2, deliveries: before.deliveries + 2, jobs: before.jobs + 2 });
    expect(await deliveriesIn(app.db)).toBe(before.deliveries);
    expect(await publicationsIn(app.db)).toBe(before.publications);
    expect(await jobsIn(app.db)).toBe(before.jobs);
  });
});

describe("fan-out is set-based", () => {
  // No worker: the queued jobs stay queued, to be counted.
  const app = useTestApp({}, { worker: false });
  const groups = 20;
  const hooksPerGroup = 50;

  beforeAll(async () => {
    for (let g = 0; g < groups; g++) {
      await createGroup(app, {
        name: `fan-out ${g}`,
        hooks: Array.from({ length: hooksPerGroup }, (_, h) => ({
          type: "EVENT_CREATED",
          endpoint: `https://partner.example/fan-out/${g}/${h}`,
        })),
      });
    }
  }, 120_000);

  async function fanOutOf(publicationId: string) {
    const deliveries = await count(
      app.db,
      sql<{ n: string }>`select count(*) as n from deliveries where publication_id = ${publicationId}`,
    );
    const distinctHooks = await count(
      app.db,
      sql<{ n: string }>`select count(distinct hook_id) as n from deliveries where publication_id = ${publicationId}`,
    );
    const jobs = await count(
      app.db,
      sql<{ n: string }>`select count(*) as n from graphile_worker._private_jobs j
        join deliveries d on d.id = (j.payload->>'deliveryId')::uuid
        where d.publication_id = ${publicationId}`,
    );
    return { deliveries, distinctHooks, jobs };
  }

  it("one publish call creates 1,000 deliveries and 1,000 jobs", async () => {
    const jobsBefore = await jobsIn(app.db);
    const event = await createEvent(app, { title: "Popular" }); // one change through the API
    const { rows } = await sql<{ id: string }>`select id from publications where event_id = ${event.id}`.execute(app.db);
    expect(rows).toHaveLength(1);
    expect(await fanOutOf(rows[0]!.id)).toEqual({ deliveries: 1000, distinctHooks: 1000, jobs: 1000 });

    // And publish called directly, once: it answers the count it created.
    const publication = await publish(app.db, {
      organizationId: app.defaultOrganizationId,
      type: "EVENT_CREATED",
      eventId: randomUUID(),
      orderId: null,
    });
    expect(publication.deliveryCount).toBe(1000);
    expect(await fanOutOf(publication.publicationId)).toEqual({ deliveries: 1000, distinctHooks: 1000, jobs: 1000 });
    expect(await jobsIn(app.db)).toBe(jobsBefore + 2000);
  });

  it("runs one insert for all the deliveries (pg_stat_statements)", async (context) => {
    const available = await sql<{ ok: boolean }>`
      select exists (select 1 from pg_extension where extname = 'pg_stat_statements')
         and current_setting('shared_preload_libraries') like '%pg_stat_statements%' as ok`.execute(app.db);
    if (!available.rows[0]?.ok) context.skip("pg_stat_statements is not installed on this server");
    await sql`select pg_stat_statements_reset()`.execute(app.db);
    await createEvent(app, { title: "Counted" });
    const { rows } = await sql<{ calls: string; rows: string }>`
      select sum(calls) as calls, sum(rows) as rows from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query ilike '%insert into deliveries%'`.execute(app.db);
    expect(Number(rows[0]!.calls)).toBe(1);
  });
});
