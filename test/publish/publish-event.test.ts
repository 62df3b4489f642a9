import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type RawBuilder, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/store/database.js";
import { createGroup } from "../support/fixtures.js";
import { startReceiver, type ReceivedRequest, type Receiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// schema/delivery.graphql, publishEvent: a happening reported by an external platform, fanned out
// like the built-in source's own; an idempotency key makes a retried call harmless for 24 hours.
const app = useTestApp({}, { worker: true });

/** How long to keep listening after the expected requests arrived, for any that should not come. */
const graceMs = 1_000;

const publishMutation = `mutation ($input: PublishEventInput!) {
  publishEvent(input: $input) { publicationId deliveryCount duplicate } }`;

interface Publication {
  publicationId: string;
  deliveryCount: number;
  duplicate: boolean;
}

async function publishEvent(input: Record<string, unknown>, key = app.adminKey): Promise<Publication> {
  const result = await app.graphql(publishMutation, { input }, { key });
  expect(result.errors, JSON.stringify(input).slice(0, 200)).toBeUndefined();
  return result.data!.publishEvent as Publication;
}

async function count(db: Db, query: RawBuilder<{ n: string }>): Promise<number> {
  return Number((await query.execute(db)).rows[0]!.n);
}

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  // Each path answers as its name says: a 410 ends a delivery as GONE.
  receiver.answerAlways((request) => ({ status: request.path.startsWith("/gone") ? 410 : 200 }));
});
afterAll(async () => {
  await receiver?.close();
});

/** The requests that arrive from now on: waits for `n`, listens a little longer, insists on exactly `n`. */
function listen() {
  const start = receiver.requests.length;
  return async (n: number): Promise<ReceivedRequest[]> => {
    await receiver.waitFor(start + n);
    await sleep(graceMs);
    const arrived = receiver.requests.slice(start);
    expect(arrived.map((request) => request.path)).toHaveLength(n);
    return arrived;
  };
}

describe("publishEvent", () => {
  const groups = { a: "", b: "" };
  let other: { id: string; adminKey: string };

  beforeAll(async () => {
    groups.a = (
      await createGroup(app, {
        name: "A",
        hooks: [
          { type: "EVENT_CREATED", endpoint: `${receiver.url}/a/event-created` },
          { type: "ORDER_CREATED", endpoint: `${receiver.url}/a/order-created` },
        ],
      })
    ).webhookGroup.id;
    groups.b = (
      await createGroup(app, {
        name: "B",
        hooks: [
          { type: "EVENT_CREATED", endpoint: `${receiver.url}/b/event-created` },
          { type: "EVENT_UPDATED", endpoint: `${receiver.url}/b/event-updated` },
        ],
      })
    ).webhookGroup.id;
    other = await app.createOrganization("Other platform");
    await createGroup(
      app,
      { name: "Other", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/other/event-created` }] },
      other.adminKey,
    );
  });

  it("fans out to the matching hooks with data and occurredAt in the default payload", async () => {
    const arrivals = listen();
    const eventId = randomUUID();
    const data = { title: "Extern Fest", tags: ["music", "outdoor"], seats: { total: 500, free: 12 }, note: null };
    const published = await publishEvent({
      type: "EVENT_CREATED",
      eventId,
      occurredAt: "2026-03-04T05:06:07.890Z",
      data,
      idempotencyKey: `first-${eventId}`,
    });
    expect(published).toEqual({ publicationId: expect.any(String), deliveryCount: 2, duplicate: false });

    const requests = await arrivals(2);
    expect(requests.map((request) => request.path).sort()).toEqual(["/a/event-created", "/b/event-created"]);
    for (const request of requests) {
      expect(JSON.parse(request.body)).toEqual({
        type: "event_created",
        occurred_at: "2026-03-04T05:06:07.890Z",
        organization_id: app.defaultOrganizationId,
        event_id: eventId,
        delivery_id: request.headers["webhook-id"],
        data,
      });
    }
    const { rows } = await sql<{ publication_id: string }>`
      select distinct publication_id from deliveries where event_id = ${eventId}`.execute(app.db);
    expect(rows).toEqual([{ publication_id: published.publicationId }]);
  });

  it("defaults occurredAt to now and carries order and guide ids on order types", async () => {
    const arrivals = listen();
    const [eventId, orderId, eventGuideId] = [randomUUID(), randomUUID(), randomUUID()];
    const before = Date.now();
    const published = await publishEvent({ type: "ORDER_CREATED", eventId, orderId, eventGuideId });
    expect(published).toMatchObject({ deliveryCount: 1, duplicate: false });
    const [request] = await arrivals(1);
    expect(request!.path).toBe("/a/order-created");
    const body = JSON.parse(request!.body);
    expect(body).toEqual({
      type: "order_created",
      occurred_at: expect.any(String),
      organization_id: app.defaultOrganizationId,
      event_id: eventId,
      order_id: orderId,
      event_guide_id: eventGuideId,
      delivery_id: request!.headers["webhook-id"],
    });
    expect(Date.parse(body.occurred_at)).toBeGreaterThanOrEqual(before - 5_000);
    expect(Date.parse(body.occurred_at)).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it("publishes nothing more for a key used within 24 hours, and answers the first publication", async () => {
    const arrivals = listen();
    const key = `order-sync-${randomUUID()}`;
    const first = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key });
    // A retry of the same call, even with other content, is answered with the first publication.
    const again = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key });
    expect(first).toMatchObject({ deliveryCount: 2, duplicate: false });
    expect(again).toEqual({ publicationId: first.publicationId, deliveryCount: 2, duplicate: true });

    // A different key is a new publication.
    const next = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: `${key}-2` });
    expect(next).toMatchObject({ deliveryCount: 2, duplicate: false });
    expect(next.publicationId).not.toBe(first.publicationId);

    const requests = await arrivals(4);
    const ids = requests.map((request) => request.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(4);
    const { rows } = await sql<{ publication_id: string; n: string }>`
      select publication_id, count(*) as n from deliveries
      where publication_id in (${first.publicationId}, ${next.publicationId})
      group by publication_id order by publication_id`.execute(app.db);
    expect(rows.map((row) => Number(row.n))).toEqual([2, 2]);
  });

  it("keeps keys per organization: another organization may use the same key", async () => {
    const arrivals = listen();
    const key = `shared-${randomUUID()}`;
    const ours = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key });
    const theirs = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key }, other.adminKey);
    expect(ours).toMatchObject({ deliveryCount: 2, duplicate: false });
    expect(theirs).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(theirs.publicationId).not.toBe(ours.publicationId);
    const requests = await arrivals(3);
    expect(requests.map((request) => request.path).sort()).toEqual([
      "/a/event-created",
      "/b/event-created",
      "/other/event-created",
    ]);
  });

  it("answers concurrent calls with one key with one publication", async () => {
    const arrivals = listen();
    const key = `concurrent-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key })),
    );
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.publicationId)).size).toBe(1);
    expect(answers.every((answer) => answer.deliveryCount === 2)).toBe(true);
    await arrivals(2);
  });

  it("lets a key be reused once its 24 hours are over", async () => {
    const arrivals = listen();
    const key = `daily-${randomUUID()}`;
    const first = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key });
    await sql`update publication_keys set created_at = created_at - interval '25 hours'
      where organization_id = ${app.defaultOrganizationId} and idempotency_key = ${key}`.execute(app.db);
    const later = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key });
    expect(later).toMatchObject({ deliveryCount: 2, duplicate: false });
    expect(later.publicationId).not.toBe(first.publicationId);
    // From now on the key answers the new publication.
    const again = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key });
    expect(again).toEqual({ publicationId: later.publicationId, deliveryCount: 2, duplicate: true });
    await arrivals(4);
  });
});

describe("publishEvent refuses bad input and writes nothing", () => {
  const eventId = randomUUID();
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["a missing eventId", { type: "EVENT_CREATED" }, "input.eventId"],
    ["an orderId on an event type", { type: "EVENT_UPDATED", eventId, orderId: randomUUID() }, "input.orderId"],
    ["a missing orderId on an order type", { type: "ORDER_CANCELLED", eventId }, "input.orderId"],
    ["a non-UUID eventId", { type: "EVENT_CREATED", eventId: "event-42" }, "input.eventId"],
    ["a non-UUID orderId", { type: "ORDER_CREATED", eventId, orderId: "order-42" }, "input.orderId"],
    ["a non-UUID eventGuideId", { type: "EVENT_CREATED", eventId, eventGuideId: "guide-42" }, "input.eventGuideId"],
    ["a bad occurredAt", { type: "EVENT_CREATED", eventId, occurredAt: "yesterday at noon" }, "input.occurredAt"],
    ["data over 64 KiB", { type: "EVENT_CREATED", eventId, data: { blob: "x".repeat(65 * 1024) } }, "input.data"],
    ["an empty idempotencyKey", { type: "EVENT_CREATED", eventId, idempotencyKey: "" }, "input.idempotencyKey"],
    ["an over-long idempotencyKey", { type: "EVENT_CREATED", eventId, idempotencyKey: "k".repeat(201) }, "input.idempotencyKey"],
  ];

  const written = async () => ({
    publications: await count(app.db, sql<{ n: string }>`select count(*) as n from publications`),
    keys: await count(app.db, sql<{ n: string }>`select count(*) as n from publication_keys`),
    deliveries: await count(app.db, sql<{ n: string }>`select count(*) as n from deliveries`),
  });

  it.each(cases)("refuses %s with BAD_USER_INPUT naming %s", async (_, input, field) => {
    const before = await written();
    const result = await app.graphql(publishMutation, { input: { ...input, idempotencyKey: input.idempotencyKey ?? `refused-${randomUUID()}` } });
    expect(result.data?.publishEvent ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(result.errors![0]!.message).toContain(field.replace(/^input\./, ""));
    expect(await written()).toEqual(before);
  });

  // "\u0000" is valid JSON but PostgreSQL's jsonb cannot hold it.
  it("refuses data holding a NUL character with BAD_USER_INPUT naming the string's path", async () => {
    const before = await written();
    const result = await app.graphql(publishMutation, {
      input: { type: "EVENT_CREATED", eventId: randomUUID(), data: { note: "before\u0000after" } },
    });
    expect(await written()).toEqual(before);
    expect(result.data?.publishEvent ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.data.note" });
  });

  it("leaves a refused call's idempotency key unused", async () => {
    const key = `refused-then-fine-${randomUUID()}`;
    const refused = await app.graphql(publishMutation, { input: { type: "EVENT_CREATED", eventId: "nope", idempotencyKey: key } });
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const arrivals = listen();
    const fine = await publishEvent({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: key });
    expect(fine).toMatchObject({ duplicate: false, deliveryCount: 2 });
    await arrivals(2);
  });

  it("refuses a VIEWER key with FORBIDDEN and no key with UNAUTHENTICATED", async () => {
    const created = await app.graphql(`mutation { createApiKey(role: VIEWER) { apiKey } }`);
    const viewerKey = created.data!.createApiKey.apiKey as string;
    const before = await written();
    const input = { type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey: `auth-${randomUUID()}` };

    const asViewer = await app.graphql(publishMutation, { input }, { key: viewerKey });
    expect(asViewer.data?.publishEvent ?? null).toBeNull();
    expect(asViewer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const anonymous = await app.graphql(publishMutation, { input }, {});
    expect(anonymous.data?.publishEvent ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const arrivals = listen();
    expect(await written()).toEqual(before);
    await arrivals(0);
  });
});

describe("the delivery log: deliveries(filter) and webhookGroup { deliveries }", () => {
  // An organization of its own, so its log holds exactly what this block publishes.
  let org: { id: string; adminKey: string };
  const groups = { ok: "", gone: "" };
  const ids = { x1: randomUUID(), x2: randomUUID(), o1: randomUUID(), o2: randomUUID() };
  let everything: string[] = [];

  // `webhookGroup` resolves one group per node: asked for only where the list is short.
  const deliveriesQuery = (withGroup: boolean) => `query ($filter: DeliveryFilter, $first: Int, $after: String) {
    deliveries(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id webhookGroupId ${withGroup ? "webhookGroup { id }" : ""} type eventId orderId status createdAt } } } }`;

  async function list(
    filter: Record<string, unknown> | null,
    options: { first?: number; after?: string; key?: string; withGroup?: boolean } = {},
  ) {
    const result = await app.graphql(
      deliveriesQuery(options.withGroup ?? false),
      { filter, first: options.first ?? 100, after: options.after ?? null },
      { key: options.key ?? org.adminKey },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.deliveries as {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ cursor: string; node: Record<string, any> }>;
    };
  }

  beforeAll(async () => {
    org = await app.createOrganization("Log readers");
    const hooks = (prefix: string) => [
      { type: "EVENT_CREATED", endpoint: `${receiver.url}/${prefix}/event-created` },
      { type: "ORDER_CREATED", endpoint: `${receiver.url}/${prefix}/order-created` },
      { type: "ORDER_CANCELLED", endpoint: `${receiver.url}/${prefix}/order-cancelled` },
    ];
    groups.ok = (await createGroup(app, { name: "ok", hooks: hooks("ok") }, org.adminKey)).webhookGroup.id;
    // Only EVENT_CREATED, answered 410: those deliveries end GONE.
    groups.gone = (await createGroup(app, { name: "gone", hooks: hooks("gone").slice(0, 1) }, org.adminKey)).webhookGroup.id;

    const arrivals = listen();
    const publishAs = (input: Record<string, unknown>) => publishEvent(input, org.adminKey);
    await publishAs({ type: "EVENT_CREATED", eventId: ids.x1 }); // ok + gone
    await publishAs({ type: "ORDER_CREATED", eventId: ids.x1, orderId: ids.o1 }); // ok
    await publishAs({ type: "ORDER_CANCELLED", eventId: ids.x1, orderId: ids.o1 }); // ok
    await publishAs({ type: "EVENT_CREATED", eventId: ids.x2 }); // ok + gone
    await publishAs({ type: "ORDER_CREATED", eventId: ids.x2, orderId: ids.o2 }); // ok
    await arrivals(7);
    for (let i = 0; i < 200; i++) {
      const unfinished = await count(
        app.db,
        sql<{ n: string }>`select count(*) as n from deliveries where organization_id = ${org.id} and finished_at is null`,
      );
      if (unfinished === 0) break;
      await sleep(50);
    }
    const { rows } = await sql<{ id: string }>`
      select id from deliveries where organization_id = ${org.id} order by created_at desc, id desc`.execute(app.db);
    everything = rows.map((row) => row.id);
    expect(everything).toHaveLength(7);
  });

  const idsOf = (connection: { edges: Array<{ node: Record<string, any> }> }) => connection.edges.map((edge) => edge.node.id);

  it("lists the organization's deliveries newest first", async () => {
    const all = await list(null);
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
      const connection = await list(null, { first: 3, after });
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
    const ok = await list({ groupId: groups.ok }, { withGroup: true });
    expect(ok.totalCount).toBe(5);
    expect(ok.edges.every((edge) => edge.node.webhookGroupId === groups.ok && edge.node.webhookGroup.id === groups.ok)).toBe(true);
    expect(idsOf(ok)).toEqual(everything.filter((id) => idsOf(ok).includes(id)));

    const gone = await list({ status: "GONE" });
    expect(gone.totalCount).toBe(2);
    expect(gone.edges.map((edge) => edge.node.webhookGroupId)).toEqual([groups.gone, groups.gone]);
    expect((await list({ status: "SUCCEEDED" })).totalCount).toBe(5);
    expect((await list({ status: "PENDING" })).totalCount).toBe(0);

    const orderCreated = await list({ type: "ORDER_CREATED" });
    expect(orderCreated.edges.map((edge) => [edge.node.type, edge.node.orderId])).toEqual([
      ["ORDER_CREATED", ids.o2],
      ["ORDER_CREATED", ids.o1],
    ]);

    const x1 = await list({ eventId: ids.x1 });
    expect(x1.totalCount).toBe(4);
    expect(x1.edges.every((edge) => edge.node.eventId === ids.x1)).toBe(true);

    const o1 = await list({ orderId: ids.o1 });
    expect(o1.edges.map((edge) => edge.node.type)).toEqual(["ORDER_CANCELLED", "ORDER_CREATED"]);

    const combined = await list({ groupId: groups.gone, eventId: ids.x2, status: "GONE", type: "EVENT_CREATED" });
    expect(combined.totalCount).toBe(1);
    expect(combined.edges[0]!.node).toMatchObject({ webhookGroupId: groups.gone, eventId: ids.x2, type: "EVENT_CREATED" });

    expect((await list({ eventId: randomUUID() })).totalCount).toBe(0);
    expect((await list({ eventId: "not-a-uuid" })).totalCount).toBe(0);
  });

  it("answers webhookGroup { deliveries } with that group's deliveries only", async () => {
    const result = await app.graphql(
      `query ($id: ID!) { webhookGroup(id: $id) {
        all: deliveries { totalCount edges { node { id webhookGroupId } } }
        cancelled: deliveries(filter: { type: ORDER_CANCELLED }) { totalCount edges { node { orderId } } }
        page: deliveries(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } } }`,
      { id: groups.ok },
      { key: org.adminKey },
    );
    expect(result.errors).toBeUndefined();
    const group = result.data!.webhookGroup;
    expect(group.all.totalCount).toBe(5);
    expect(group.all.edges.every((edge: any) => edge.node.webhookGroupId === groups.ok)).toBe(true);
    expect(group.all.edges.map((edge: any) => edge.node.id)).toEqual(idsOf(await list({ groupId: groups.ok })));
    expect(group.cancelled).toEqual({ totalCount: 1, edges: [{ node: { orderId: ids.o1 } }] });
    expect(group.page.totalCount).toBe(5);
    expect(group.page.pageInfo.hasNextPage).toBe(true);
    expect(group.page.edges).toHaveLength(2);
  });

  it("keeps each organization's log to itself", async () => {
    const theirId = everything[0]!;
    // The Default organization sees none of this organization's deliveries, by any route.
    const lookup = await app.graphql(`query ($id: ID!) { delivery(id: $id) { id } }`, { id: theirId });
    expect(lookup.errors).toBeUndefined();
    expect(lookup.data!.delivery).toBeNull();
    const ours = await list(null, { key: app.adminKey });
    expect(idsOf(ours).some((id) => everything.includes(id))).toBe(false);
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from deliveries where organization_id = ${app.defaultOrganizationId}`.execute(app.db);
    expect(ours.totalCount).toBe(Number(rows[0]!.n));
    expect((await list({ groupId: groups.ok }, { key: app.adminKey })).totalCount).toBe(0);
    expect((await list({ eventId: ids.x1 }, { key: app.adminKey })).totalCount).toBe(0);

    // And the other way round: a Default-organization delivery is unknown here.
    const oursFirst = idsOf(ours)[0]!;
    expect(oursFirst).toBeDefined();
    const reverse = await app.graphql(`query ($id: ID!) { delivery(id: $id) { id } }`, { id: oursFirst }, { key: org.adminKey });
    expect(reverse.data!.delivery).toBeNull();
    expect(
      (await app.graphql(`query ($id: ID!) { delivery(id: $id) { id } }`, { id: theirId }, { key: org.adminKey })).data!.delivery,
    ).toEqual({ id: theirId });
  });

  it("keeps the log of a deleted group, with webhookGroup null", async () => {
    const deleted = await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: groups.gone }, { key: org.adminKey });
    expect(deleted.data?.deleteWebhookGroup).toBe(true);
    const gone = await list({ groupId: groups.gone }, { withGroup: true });
    expect(gone.totalCount).toBe(2);
    expect(gone.edges.map((edge) => [edge.node.webhookGroupId, edge.node.webhookGroup])).toEqual([
      [groups.gone, null],
      [groups.gone, null],
    ]);
  });
});
