import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { waitUntilSettled } from "../support/delivery-log.js";
import { createGroup, publishEvent } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

// The delivery log as the API answers it: deliveries(filter), delivery(id) and
// webhookGroup { deliveries }, newest first, paged, per organization.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

beforeAll(() => {
  // Each path answers as its name says: a 410 ends a delivery as GONE.
  receiver.answerAlways((request) => ({ status: request.path.startsWith("/gone") ? 410 : 200 }));
});

// `webhookGroup` resolves one group per node: asked for only where the list is short.
const deliveriesQuery = (withGroup: boolean) => `query ($filter: DeliveryFilter, $first: Int, $after: String) {
  deliveries(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id webhookGroupId ${withGroup ? "webhookGroup { id }" : ""} type eventId orderId status createdAt } } } }`;

interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: Record<string, any> }>;
}

async function list(
  key: string,
  filter: Record<string, unknown> | null,
  options: { first?: number; after?: string; withGroup?: boolean } = {},
): Promise<Connection> {
  const data = await graphqlData(
    app,
    deliveriesQuery(options.withGroup ?? false),
    { filter, first: options.first ?? 100, after: options.after ?? null },
    key,
  );
  return data.deliveries as Connection;
}

const idsOf = (connection: { edges: Array<{ node: Record<string, any> }> }) => connection.edges.map((edge) => edge.node.id);

const deliveryQuery = `query ($id: ID!) { delivery(id: $id) { id } }`;

/** A fresh organization with a group answering 200 and one whose partner says 410 Gone. */
async function organizationWithGroups(name: string) {
  const org = await app.createOrganization(name);
  const hooks = (prefix: string) => [
    { type: "EVENT_CREATED", endpoint: `${receiver.url}/${prefix}/event-created` },
    { type: "ORDER_CREATED", endpoint: `${receiver.url}/${prefix}/order-created` },
    { type: "ORDER_CANCELLED", endpoint: `${receiver.url}/${prefix}/order-cancelled` },
  ];
  const ok = (await createGroup(app, { name: "ok", hooks: hooks("ok") }, org.adminKey)).webhookGroup.id as string;
  // Only EVENT_CREATED, answered 410: those deliveries end GONE.
  const gone = (await createGroup(app, { name: "gone", hooks: hooks("gone").slice(0, 1) }, org.adminKey)).webhookGroup.id as string;
  return { ...org, groups: { ok, gone } };
}

describe("the delivery log: deliveries(filter) and webhookGroup { deliveries }", () => {
  // An organization of its own, so its log holds exactly what this block publishes.
  let org: Awaited<ReturnType<typeof organizationWithGroups>>;
  const ids = { x1: randomUUID(), x2: randomUUID(), o1: randomUUID(), o2: randomUUID() };
  let everything: string[] = [];

  beforeAll(async () => {
    org = await organizationWithGroups("Log readers");
    const publishAs = (input: Record<string, unknown>) => publishEvent(app, input, org.adminKey);
    await publishAs({ type: "EVENT_CREATED", eventId: ids.x1 }); // ok + gone
    await publishAs({ type: "ORDER_CREATED", eventId: ids.x1, orderId: ids.o1 }); // ok
    await publishAs({ type: "ORDER_CANCELLED", eventId: ids.x1, orderId: ids.o1 }); // ok
    await publishAs({ type: "EVENT_CREATED", eventId: ids.x2 }); // ok + gone
    await publishAs({ type: "ORDER_CREATED", eventId: ids.x2, orderId: ids.o2 }); // ok
    await waitUntilSettled(app, { organizationId: org.id });
    const { rows } = await sql<{ id: string }>`
      select id from deliveries where organization_id = ${org.id} order by created_at desc, id desc`.execute(app.db);
    everything = rows.map((row) => row.id);
    expect(everything).toHaveLength(7);
  });

  it("lists the organization's deliveries newest first", async () => {
    const all = await list(org.adminKey, null);
    expect(all.totalCount).toBe(7);
    expect(idsOf(all)).toEqual(everything);
    const times = all.edges.map((edge) => Date.parse(edge.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("pages through them without gaps or repeats", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    const pages: boolean[] = [];
    for (let page = 0; page < 5; page++) {
      const connection = await list(org.adminKey, null, { first: 3, after });
      expect(connection.totalCount).toBe(7);
      seen.push(...idsOf(connection));
      pages.push(connection.pageInfo.hasNextPage);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor!;
    }
    expect(pages).toEqual([true, true, false]);
    expect(seen).toEqual(everything);
  });

  it("filters by groupId, status, type, eventId and orderId", async () => {
    const { groups } = org;
    const ok = await list(org.adminKey, { groupId: groups.ok }, { withGroup: true });
    expect(ok.totalCount).toBe(5);
    expect(ok.edges.every((edge) => edge.node.webhookGroupId === groups.ok && edge.node.webhookGroup.id === groups.ok)).toBe(true);
    expect(idsOf(ok)).toEqual(everything.filter((id) => idsOf(ok).includes(id)));

    const gone = await list(org.adminKey, { status: "GONE" });
    expect(gone.totalCount).toBe(2);
    expect(gone.edges.map((edge) => edge.node.webhookGroupId)).toEqual([groups.gone, groups.gone]);
    expect((await list(org.adminKey, { status: "SUCCEEDED" })).totalCount).toBe(5);
    expect((await list(org.adminKey, { status: "PENDING" })).totalCount).toBe(0);

    const orderCreated = await list(org.adminKey, { type: "ORDER_CREATED" });
    expect(orderCreated.edges.map((edge) => [edge.node.type, edge.node.orderId])).toEqual([
      ["ORDER_CREATED", ids.o2],
      ["ORDER_CREATED", ids.o1],
    ]);

    const x1 = await list(org.adminKey, { eventId: ids.x1 });
    expect(x1.totalCount).toBe(4);
    expect(x1.edges.every((edge) => edge.node.eventId === ids.x1)).toBe(true);

    const o1 = await list(org.adminKey, { orderId: ids.o1 });
    expect(o1.edges.map((edge) => edge.node.type)).toEqual(["ORDER_CANCELLED", "ORDER_CREATED"]);

    const combined = await list(org.adminKey, { groupId: groups.gone, eventId: ids.x2, status: "GONE", type: "EVENT_CREATED" });
    expect(combined.totalCount).toBe(1);
    expect(combined.edges[0]!.node).toMatchObject({ webhookGroupId: groups.gone, eventId: ids.x2, type: "EVENT_CREATED" });

    expect((await list(org.adminKey, { eventId: randomUUID() })).totalCount).toBe(0);
    expect((await list(org.adminKey, { eventId: "not-a-uuid" })).totalCount).toBe(0);
  });

  it("answers webhookGroup { deliveries } with that group's deliveries only", async () => {
    const { webhookGroup: group } = await graphqlData(
      app,
      `query ($id: ID!) { webhookGroup(id: $id) {
        all: deliveries { totalCount edges { node { id webhookGroupId } } }
        cancelled: deliveries(filter: { type: ORDER_CANCELLED }) { totalCount edges { node { orderId } } }
        page: deliveries(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } } }`,
      { id: org.groups.ok },
      org.adminKey,
    );
    expect(group.all.totalCount).toBe(5);
    expect(group.all.edges.every((edge: any) => edge.node.webhookGroupId === org.groups.ok)).toBe(true);
    expect(group.all.edges.map((edge: any) => edge.node.id)).toEqual(idsOf(await list(org.adminKey, { groupId: org.groups.ok })));
    expect(group.cancelled).toEqual({ totalCount: 1, edges: [{ node: { orderId: ids.o1 } }] });
    expect(group.page.totalCount).toBe(5);
    expect(group.page.pageInfo.hasNextPage).toBe(true);
    expect(group.page.edges).toHaveLength(2);
  });

  it("keeps each organization's log to itself", async () => {
    // A delivery of the Default organization's own, to look for from the other side.
    await createGroup(app, { name: "Default's", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/default` }] });
    await publishEvent(app, { type: "EVENT_CREATED", eventId: randomUUID() });

    const theirId = everything[0]!;
    // The Default organization sees none of this organization's deliveries, by any route.
    expect((await graphqlData(app, deliveryQuery, { id: theirId })).delivery).toBeNull();
    const ours = await list(app.adminKey, null);
    expect(idsOf(ours).some((id) => everything.includes(id))).toBe(false);
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from deliveries where organization_id = ${app.defaultOrganizationId}`.execute(app.db);
    expect(ours.totalCount).toBe(Number(rows[0]!.n));
    expect((await list(app.adminKey, { groupId: org.groups.ok })).totalCount).toBe(0);
    expect((await list(app.adminKey, { eventId: ids.x1 })).totalCount).toBe(0);

    // And the other way round: a Default-organization delivery is unknown here.
    const oursFirst = idsOf(ours)[0]!;
    expect(oursFirst).toBeDefined();
    expect((await graphqlData(app, deliveryQuery, { id: oursFirst }, org.adminKey)).delivery).toBeNull();
    expect((await graphqlData(app, deliveryQuery, { id: theirId }, org.adminKey)).delivery).toEqual({ id: theirId });
  });
});

describe("the log of a deleted group", () => {
  it("is kept, with webhookGroup null", async () => {
    const org = await organizationWithGroups("Deleting");
    await publishEvent(app, { type: "EVENT_CREATED", eventId: randomUUID() }, org.adminKey);
    await publishEvent(app, { type: "EVENT_CREATED", eventId: randomUUID() }, org.adminKey);
    await waitUntilSettled(app, { organizationId: org.id });

    const deleted = await graphqlData(app, `mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: org.groups.gone }, org.adminKey);
    expect(deleted.deleteWebhookGroup).toBe(true);
    const gone = await list(org.adminKey, { groupId: org.groups.gone }, { withGroup: true });
    expect(gone.totalCount).toBe(2);
    expect(gone.edges.map((edge) => [edge.node.webhookGroupId, edge.node.webhookGroup])).toEqual([
      [org.groups.gone, null],
      [org.groups.gone, null],
    ]);
  });
});

describe("a delivery tried many times (a throttling partner)", () => {
  let org: Awaited<ReturnType<typeof organizationWithGroups>>;
  let deliveryId = "";
  const attemptsQuery = `query ($id: ID!, $last: Int) { delivery(id: $id) { attemptCount attempts(last: $last) { number } } }`;

  beforeAll(async () => {
    org = await organizationWithGroups("Many attempts");
    await publishEvent(app, { type: "EVENT_CREATED", eventId: randomUUID() }, org.adminKey);
    await waitUntilSettled(app, { organizationId: org.id });
    const { rows } = await sql<{ id: string }>`
      select id from deliveries where webhook_group_id = ${org.groups.ok}`.execute(app.db);
    deliveryId = rows[0]!.id;
    // 150 attempts in all, as a partner answering 429 for a day or two leaves.
    await sql`
      insert into delivery_attempts (delivery_id, number, started_at, duration_ms, request_method, request_url,
                                     request_headers, response_status, response_body)
      select a.delivery_id, n, a.started_at + n * interval '1 second', a.duration_ms, a.request_method, a.request_url,
             a.request_headers, 429, 'slow down'
      from delivery_attempts a, generate_series(2, 150) n where a.delivery_id = ${deliveryId}`.execute(app.db);
  });

  it("lists the most recent 25 by default, oldest first, and up to 100 when asked", async () => {
    const byDefault = await graphqlData(app, attemptsQuery, { id: deliveryId }, org.adminKey);
    expect(byDefault.delivery.attempts.map((attempt: { number: number }) => attempt.number)).toEqual(
      Array.from({ length: 25 }, (_, i) => 126 + i),
    );
    const hundred = await graphqlData(app, attemptsQuery, { id: deliveryId, last: 100 }, org.adminKey);
    expect(hundred.delivery.attempts).toHaveLength(100);
    expect(hundred.delivery.attempts[0].number).toBe(51);
  });

  it("refuses more than 100, naming the argument, and counts attempts into a query's objects", async () => {
    const tooMany = await app.graphql(attemptsQuery, { id: deliveryId, last: 101 }, { key: org.adminKey });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "last" } });
    // 100 deliveries × 100 attempts each could be 10,100 objects: past the query limits.
    const wide = await app.graphql(`{ deliveries(first: 100) { edges { node { attempts(last: 100) { number } } } } }`, {}, { key: org.adminKey });
    expect(wide.status).toBe(400);
    expect(wide.errors?.[0]?.message).toMatch(/could return \d+ objects, more than 10000/);
  });
});
