import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { runRetention } from "../../../src/delivery/retention/run-retention.js";
import { createEvent, createGroup, groupInput, publishEvent } from "../../support/fixtures.js";
import { useTestApp } from "../../support/test-app.js";
import { addAttempts, age, attemptsOf, cloneFinished, day, exists } from "./seed.js";

// Retention deletes what is old and finished, in batches, and nothing else. Rows are aged by
// moving their timestamps back; no worker runs, so nothing changes them behind the test's back.
const app = useTestApp();
const hour = 3_600_000;
const thirtyDays = 30 * day;
let eventId: string;
let groupId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
  const input = groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: "https://partner.example/orders" }], authentication: null });
  groupId = (await createGroup(app, input)).webhookGroup.id as string;
});

/** A publication through the API (one delivery: the group's ORDER_CREATED hook), and its delivery's id. */
async function publishOrder(idempotencyKey?: string) {
  const published = await publishEvent(app, { type: "ORDER_CREATED", eventId, orderId: randomUUID(), idempotencyKey });
  const { rows } = await sql<{ id: string }>`select id from deliveries where publication_id = ${published.publicationId}`.execute(app.db);
  return { ...published, deliveryId: rows[0]?.id as string };
}

async function agePublication(id: string, agoMs: number) {
  await sql`update publications set created_at = now() - ${agoMs} * interval '1 millisecond' where id = ${id}`.execute(app.db);
}

async function ageKey(key: string, agoMs: number) {
  await sql`update publication_keys set created_at = now() - ${agoMs} * interval '1 millisecond' where idempotency_key = ${key}`.execute(app.db);
}

async function keyExists(key: string): Promise<boolean> {
  const { rows } = await sql`select 1 from publication_keys where idempotency_key = ${key}`.execute(app.db);
  return rows.length === 1;
}

async function insertInitialization(allQueuedAgoMs: number): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    insert into initializations (organization_id, webhook_group_id, types, until, per_second, queued, all_queued_at)
    values (${app.defaultOrganizationId}, ${groupId}, '{ORDER_CREATED}', now(), 50, 1, now() - ${allQueuedAgoMs} * interval '1 millisecond')
    returning id`.execute(app.db);
  return rows[0]!.id;
}

describe("retention", () => {
  it("deletes old finished deliveries with their attempts, then the publications and initializations nothing names; keeps the rest", async () => {
    const old = await publishOrder();
    await age(app.db, [old.deliveryId], thirtyDays + hour, "SUCCEEDED");
    await addAttempts(app.db, [old.deliveryId], 2);
    await agePublication(old.publicationId, thirtyDays + hour);

    // A partner down for weeks: the delivery is older than the window but not finished.
    const pending = await publishOrder();
    await age(app.db, [pending.deliveryId], 40 * day, "RETRYING");
    await addAttempts(app.db, [pending.deliveryId], 3);
    await agePublication(pending.publicationId, 40 * day);
    const neverSent = await publishOrder();
    await age(app.db, [neverSent.deliveryId], 40 * day, "PENDING");
    await agePublication(neverSent.publicationId, 40 * day);

    // An old publication whose delivery finished within the window (redelivered lately).
    const recent = await publishOrder();
    await age(app.db, [recent.deliveryId], thirtyDays - hour, "FAILED");
    await addAttempts(app.db, [recent.deliveryId], 1);
    await agePublication(recent.publicationId, thirtyDays + day);

    // Publications no hook matched: no delivery at all.
    const unmatchedOld = await publishEvent(app, { type: "EVENT_UPDATED", eventId });
    await agePublication(unmatchedOld.publicationId, thirtyDays + hour);
    const unmatchedNew = await publishEvent(app, { type: "EVENT_UPDATED", eventId });
    await agePublication(unmatchedNew.publicationId, thirtyDays - hour);

    // A backfill done long ago with nothing left, and one with a delivery still running.
    const initializationDone = await insertInitialization(thirtyDays + hour);
    const initializationBusy = await insertInitialization(thirtyDays + hour);
    await sql`update deliveries set initialization_id = ${initializationBusy} where id = ${pending.deliveryId}`.execute(app.db);

    const run = await runRetention(app.db, { retentionMs: thirtyDays });

    expect(await exists(app.db, "deliveries", old.deliveryId)).toBe(false);
    expect(await attemptsOf(app.db, old.deliveryId)).toBe(0);
    expect(await exists(app.db, "publications", old.publicationId)).toBe(false);
    expect(await exists(app.db, "publications", unmatchedOld.publicationId)).toBe(false);
    expect(await exists(app.db, "initializations", initializationDone)).toBe(false);

    expect(await exists(app.db, "deliveries", pending.deliveryId)).toBe(true);
    expect(await attemptsOf(app.db, pending.deliveryId)).toBe(3);
    expect(await exists(app.db, "publications", pending.publicationId)).toBe(true);
    expect(await exists(app.db, "deliveries", neverSent.deliveryId)).toBe(true);
    expect(await exists(app.db, "publications", neverSent.publicationId)).toBe(true);
    expect(await exists(app.db, "deliveries", recent.deliveryId)).toBe(true);
    expect(await attemptsOf(app.db, recent.deliveryId)).toBe(1);
    expect(await exists(app.db, "publications", recent.publicationId)).toBe(true);
    expect(await exists(app.db, "publications", unmatchedNew.publicationId)).toBe(true);
    expect(await exists(app.db, "initializations", initializationBusy)).toBe(true);
    expect(run).toMatchObject({ deliveries: 1, attempts: 2, publications: 2, initializations: 1, interrupted: false });

    // The log no longer lists it; the API answers as for an unknown id.
    const read = await app.graphql(`query ($id: ID!) { delivery(id: $id) { id } }`, { id: old.deliveryId });
    expect(read.data?.delivery).toBeNull();
  });

  it("works in batches no larger than the batch size, until nothing old is left", async () => {
    const like = (await publishOrder()).deliveryId;
    // One attempt each: a statement's 1,000 attempts hold 1,000 deliveries (retention-batches.test.ts
    // shows deliveries with more attempts going fewer at a time).
    const ids = await cloneFinished(app.db, like, 2_500, thirtyDays + day, 1);
    const batches: Array<{ table: string; rows: number }> = [];

    const run = await runRetention(app.db, { retentionMs: thirtyDays, batchSize: 1_000, pauseMs: 1, onBatch: ({ table, rows }) => batches.push({ table, rows }) });

    expect(batches.filter((batch) => batch.table === "deliveries").map((batch) => batch.rows)).toEqual([1_000, 1_000, 500]);
    expect(run.deliveries).toBe(2_500);
    expect(run.attempts).toBe(2_500);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from deliveries where id = any(${ids}::uuid[])`.execute(app.db);
    expect(rows[0]!.n).toBe(0);
  });

  it("stops a run that reached its time limit between two batches, leaving the rest to the next run", async () => {
    const like = (await publishOrder()).deliveryId;
    await cloneFinished(app.db, like, 2_500, thirtyDays + day, 1);

    // The pause after the first batch outlasts the limit: the run ends there.
    const run = await runRetention(app.db, { retentionMs: thirtyDays, batchSize: 1_000, pauseMs: 300, maxRunMs: 100 });

    expect(run).toMatchObject({ deliveries: 1_000, interrupted: true });
    const next = await runRetention(app.db, { retentionMs: thirtyDays, batchSize: 1_000, pauseMs: 1 });
    expect(next.deliveries).toBe(1_500);
  });

  it("keeps every statement short at the default batch size: the longest is measured", async () => {
    const like = (await publishOrder()).deliveryId;
    await cloneFinished(app.db, like, 10_000, thirtyDays + day, 3);
    const durations: number[] = [];

    const run = await runRetention(app.db, { retentionMs: thirtyDays, onBatch: ({ ms }) => durations.push(ms) });

    expect(run.deliveries).toBeGreaterThanOrEqual(10_000);
    expect(run.attempts).toBeGreaterThanOrEqual(30_000);
    expect(run.longestBatchMs).toBe(Math.max(...durations));
    // A statement: 333 deliveries and 999 attempts (2 KiB answers). Until runRetention goes on by the
    // batch's `more` (deleteFinishedDeliveriesBatch), one of its batches is up to four such statements.
    // Tens of milliseconds each here; the bound leaves room for a checkpoint or autovacuum meanwhile.
    // That the work is cut small is what the count says: 30,000 attempts at most 999 a statement.
    expect(run.longestBatchMs).toBeLessThan(3_000);
    expect(run.batches).toBeGreaterThanOrEqual(31);
    console.log(`retention: ${run.batches} statements for ${run.deliveries} deliveries and ${run.attempts} attempts; longest ${Math.round(run.longestBatchMs)} ms`);
  });

  it("deletes nothing when off", async () => {
    const old = await publishOrder("kept-when-off");
    await age(app.db, [old.deliveryId], 400 * day, "SUCCEEDED");
    await addAttempts(app.db, [old.deliveryId], 1);
    await agePublication(old.publicationId, 400 * day);
    await ageKey("kept-when-off", 400 * day);

    const run = await runRetention(app.db, { retentionMs: null });

    expect(run.batches).toBe(0);
    expect(await exists(app.db, "deliveries", old.deliveryId)).toBe(true);
    expect(await attemptsOf(app.db, old.deliveryId)).toBe(1);
    expect(await exists(app.db, "publications", old.publicationId)).toBe(true);
    expect(await keyExists("kept-when-off")).toBe(true);
    // Gone again by hand, so that it is no other test's "oldest".
    await sql`delete from delivery_attempts where delivery_id = ${old.deliveryId}`.execute(app.db);
    await sql`delete from deliveries where id = ${old.deliveryId}`.execute(app.db);
    await sql`delete from publication_keys where idempotency_key = 'kept-when-off'`.execute(app.db);
  });

  it("stops between batches when the worker stops, leaving the rest for the next run", async () => {
    const like = (await publishOrder()).deliveryId;
    const ids = await cloneFinished(app.db, like, 300, thirtyDays + day, 1);
    const left = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from deliveries where id = any(${ids}::uuid[])`.execute(app.db)).rows[0]!.n;
    const stopping = new AbortController();

    const run = await runRetention(app.db, { retentionMs: thirtyDays, batchSize: 100, pauseMs: 1, signal: stopping.signal, onBatch: () => stopping.abort() });

    expect(run).toMatchObject({ deliveries: 100, batches: 1, interrupted: true });
    expect(await left()).toBe(200);
    await runRetention(app.db, { retentionMs: thirtyDays, batchSize: 100, pauseMs: 1 });
    expect(await left()).toBe(0);
  });
});

describe("idempotency keys", () => {
  it("hold for 24 hours from the first publication; expired ones are deleted, and the key publishes anew", async () => {
    const first = await publishOrder("order-4711-created");
    const fresh = await publishOrder("order-4712-created");
    expect(first.duplicate).toBe(false);
    expect((await publishOrder("order-4711-created")).duplicate).toBe(true);
    await ageKey("order-4711-created", 24 * hour + 60_000);
    await ageKey("order-4712-created", 24 * hour - 60_000);

    const run = await runRetention(app.db, { retentionMs: thirtyDays });

    expect(run.idempotencyKeys).toBe(1);
    expect(await keyExists("order-4711-created")).toBe(false);
    expect(await keyExists("order-4712-created")).toBe(true);
    expect((await publishOrder("order-4712-created")).publicationId).toBe(fresh.publicationId);
    const again = await publishOrder("order-4711-created");
    expect(again).toMatchObject({ duplicate: false });
    expect(again.publicationId).not.toBe(first.publicationId);
  });

  it("keep their publication while they hold it: a window shorter than 24 hours keeps publications 24 hours", async () => {
    const keyed = await publishOrder("held-by-its-key");
    await age(app.db, [keyed.deliveryId], 3 * hour, "SUCCEEDED");
    await agePublication(keyed.publicationId, 3 * hour);
    const dayOld = await publishEvent(app, { type: "EVENT_UPDATED", eventId });
    await agePublication(dayOld.publicationId, 24 * hour + 60_000);

    await runRetention(app.db, { retentionMs: hour });

    expect(await exists(app.db, "deliveries", keyed.deliveryId)).toBe(false);
    expect(await exists(app.db, "publications", keyed.publicationId)).toBe(true);
    expect((await publishOrder("held-by-its-key")).duplicate).toBe(true);
    expect(await exists(app.db, "publications", dayOld.publicationId)).toBe(false);
  });
});
