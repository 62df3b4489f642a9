import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { publish } from "../../src/publish/publish.js";
import type { Db } from "../../src/store/database.js";
import { waitUntilSettled } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createEvent, createEventGuide, createGroup, createOrder } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { count } from "../support/row-count.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

// DESIGN.md, "Data flow": publish matches hooks by type and scope (the whole organization, one
// event, or the events of one guide), in the same transaction as the change.

const deliveriesIn = (db: Db) => count(db, sql<{ n: string }>`select count(*) as n from deliveries`);
const publicationsIn = (db: Db) => count(db, sql<{ n: string }>`select count(*) as n from publications`);
const jobsIn = (db: Db) => count(db, sql<{ n: string }>`select count(*) as n from graphile_worker.jobs`);

describe("the scope matrix", () => {
  const app = useTestApp({}, { worker: true });
  const receiver = useReceiver();

  const scopedTypes = ["EVENT_CREATED", "EVENT_UPDATED", "ORDER_CREATED", "ORDER_CANCELLED"] as const;
  const hooksTo = (path: string) => scopedTypes.map((type) => ({ type, endpoint: `${receiver.url}${path}` }));

  /**
   * (path, type, event_id) of every request to a path under `prefix` (each test posts under its
   * own), sorted: a multiset to compare whole. Read once the organizations' deliveries are all
   * sent, so nothing more can arrive.
   */
  async function received(prefix: string, organizationIds: string[]) {
    for (const organizationId of organizationIds) await waitUntilSettled(app, { organizationId });
    return receiver.requests
      .filter((request) => request.path.startsWith(`${prefix}/`))
      .map((request) => {
        const body = JSON.parse(request.body);
        return `${request.path.slice(prefix.length)} ${body.type} ${body.event_id}`;
      })
      .sort();
  }

  const updateEvent = (id: string, title: string, key = app.adminKey) =>
    graphqlData(app, `mutation ($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id } }`, { id, input: { title } }, key);

  /**
   * An organization of the test's own with two guides, an event E1 in G1, and three groups
   * posting under `prefix`: organization-wide (/org), E1 only (/event), G1's events (/guide).
   */
  async function organizationWithScopes(prefix: string) {
    const org = await app.createOrganization(`Scopes ${prefix}`);
    const g1 = (await createEventGuide(app, "G1", org.adminKey)).id;
    const g2 = (await createEventGuide(app, "G2", org.adminKey)).id;
    const e1 = (await createEvent(app, { title: "E1", eventGuideId: g1 }, org.adminKey)).id;
    const group = (name: string, path: string, scope: Record<string, string> = {}) =>
      createGroup(app, { name, ...scope, hooks: hooksTo(`${prefix}${path}`) }, org.adminKey).then(({ webhookGroup }) => webhookGroup.id as string);
    const groups = {
      org: await group("org-wide", "/org"),
      event: await group("E1 only", "/event", { eventId: e1 }),
      guide: await group("G1 only", "/guide", { eventGuideId: g1 }),
    };
    return { ...org, key: org.adminKey, g1, g2, e1, groups };
  }

  it("delivers each change to exactly the groups whose scope covers it", async () => {
    const org = await organizationWithScopes("/matrix");
    const other = await app.createOrganization("Another organization");
    await createGroup(app, { name: "other org-wide", hooks: hooksTo("/matrix/other") }, other.adminKey);

    await updateEvent(org.e1, "E1, renamed", org.key);
    const e2 = (await createEvent(app, { title: "E2", eventGuideId: org.g1 }, org.key)).id;
    const e3 = (await createEvent(app, { title: "E3", eventGuideId: org.g2 }, org.key)).id;
    const e4 = (await createEvent(app, { title: "E4, no guide" }, org.key)).id;
    const orderOnE1 = await createOrder(app, org.e1, org.key);
    const orderOnE3 = await createOrder(app, e3, org.key);
    // Cancelling publishes without the guide in hand: publish takes it from the order's event.
    for (const order of [orderOnE1, orderOnE3]) {
      await graphqlData(app, `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: order.id }, org.key);
    }
    const otherEvent = (await createEvent(app, { title: "elsewhere" }, other.adminKey)).id;
    await createOrder(app, otherEvent, other.adminKey);

    expect(await received("/matrix", [org.id, other.id])).toEqual(
      [
        `/org event_updated ${org.e1}`,
        `/event event_updated ${org.e1}`,
        `/guide event_updated ${org.e1}`,
        `/org event_created ${e2}`,
        `/guide event_created ${e2}`,
        `/org event_created ${e3}`,
        `/org event_created ${e4}`,
        `/org order_created ${org.e1}`,
        `/event order_created ${org.e1}`,
        `/guide order_created ${org.e1}`,
        `/org order_created ${e3}`,
        `/org order_cancelled ${org.e1}`,
        `/event order_cancelled ${org.e1}`,
        `/guide order_cancelled ${org.e1}`,
        `/org order_cancelled ${e3}`,
        `/other event_created ${otherEvent}`,
        `/other order_created ${otherEvent}`,
      ].sort(),
    );
    // Each organization's deliveries are its own, and carry its organization id.
    for (const request of receiver.requests.filter((candidate) => candidate.path.startsWith("/matrix/"))) {
      const body = JSON.parse(request.body);
      expect(body.organization_id).toBe(request.path === "/matrix/other" ? other.id : org.id);
    }
  });

  it("delivers nothing to deleted or replaced groups for later changes", async () => {
    const org = await organizationWithScopes("/replaced");
    const e2 = (await createEvent(app, { title: "E2", eventGuideId: org.g1 }, org.key)).id;
    const before = await received("/replaced", [org.id]);
    const deleted = await graphqlData(app, `mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: org.groups.guide }, org.key);
    expect(deleted.deleteWebhookGroup).toBe(true);
    await graphqlData(
      app,
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { id } } }`,
      { id: org.groups.event, input: { name: "E1 only, v2", eventId: org.e1, hooks: hooksTo("/replaced/event-v2") } },
      org.key,
    );

    await updateEvent(org.e1, "E1, renamed again", org.key);
    await updateEvent(e2, "E2, renamed", org.key);
    await createOrder(app, org.e1, org.key);

    expect(await received("/replaced", [org.id])).toEqual(
      [
        ...before,
        `/org event_updated ${org.e1}`,
        `/event-v2 event_updated ${org.e1}`,
        `/org event_updated ${e2}`,
        `/org order_created ${org.e1}`,
        `/event-v2 order_created ${org.e1}`,
      ].sort(),
    );
  });

  it("a refused change (createOrder on a removed event) delivers nothing and publishes nothing", async () => {
    const org = await organizationWithScopes("/refused");
    const event = await createEvent(app, { title: "Gone soon" }, org.key);
    await graphqlData(app, `mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: event.id }, org.key);
    // The org-wide group hears the creation (it has no EVENT_REMOVED hook).
    const heard = await received("/refused", [org.id]);
    expect(heard).toEqual([`/org event_created ${event.id}`]);
    const [deliveries, publications] = [await deliveriesIn(app.db), await publicationsIn(app.db)];

    const refused = await app.graphql(
      `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }`,
      { input: { eventId: event.id, total: 10, currency: "EUR" } },
      { key: org.key },
    );
    expectError(refused, "BAD_USER_INPUT", "input.eventId");

    expect(await deliveriesIn(app.db)).toBe(deliveries);
    expect(await publicationsIn(app.db)).toBe(publications);
    expect(await received("/refused", [org.id])).toEqual(heard);
    const orders = await graphqlData(app, `query ($id: ID!) { orders(eventId: $id, includeRemoved: true) { totalCount } }`, { id: event.id }, org.key);
    expect(orders.orders.totalCount).toBe(0);
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
          mode: "LIVE",
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
      mode: "LIVE",
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
