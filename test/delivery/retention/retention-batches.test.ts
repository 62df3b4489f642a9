import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { deleteFinishedDeliveriesBatch, deletePublicationsBatch } from "../../../src/store/retention.js";
import { createEvent, createGroup, groupInput, publishEvent } from "../../support/fixtures.js";
import { useTestApp } from "../../support/test-app.js";
import { age, cloneFinished, day, exists } from "./seed.js";

// What one retention statement may touch (docs/retention.md, "In batches"), store function by
// store function. No worker runs; rows are aged by moving their timestamps back.
const app = useTestApp();
const thirtyDays = 30 * day;
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
  const input = groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: "https://partner.example/orders" }], authentication: null });
  await createGroup(app, input);
});

/** A publication with one delivery (the group's ORDER_CREATED hook), made `agoMs` ago. */
async function oldPublication(agoMs: number) {
  const { publicationId } = await publishEvent(app, { type: "ORDER_CREATED", eventId, orderId: randomUUID() });
  await sql`update publications set created_at = now() - ${agoMs} * interval '1 millisecond' where id = ${publicationId}`.execute(app.db);
  const { rows } = await sql<{ id: string }>`select id from deliveries where publication_id = ${publicationId}`.execute(app.db);
  return { publicationId, deliveryId: rows[0]!.id };
}

describe("a publications batch", () => {
  it("looks at no more than its limit of old publications, and the next one starts after them", async () => {
    // Three old publications kept by a delivery still under way, then two nothing names.
    const kept = [];
    for (let i = 0; i < 3; i++) kept.push(await oldPublication(thirtyDays + (40 - i) * 60_000));
    await age(app.db, kept.map((p) => p.deliveryId), thirtyDays, "RETRYING");
    const free = [];
    for (let i = 0; i < 2; i++) free.push(await oldPublication(thirtyDays + (30 - i) * 60_000));
    await sql`delete from deliveries where id = any(${free.map((p) => p.deliveryId)}::uuid[])`.execute(app.db);

    // The first batch of three sees only the three kept ones: it deletes nothing, probes no further.
    const first = await deletePublicationsBatch(app.db, thirtyDays, 3, null);
    expect(first.publications).toBe(0);
    expect(first.next).not.toBeNull();
    for (const { publicationId } of free) expect(await exists(app.db, "publications", publicationId)).toBe(true);

    // The next starts after them, so the kept ones are not looked at again.
    const second = await deletePublicationsBatch(app.db, thirtyDays, 3, first.next);
    expect(second).toEqual({ publications: 2, next: null });
    for (const { publicationId } of free) expect(await exists(app.db, "publications", publicationId)).toBe(false);
    for (const { publicationId } of kept) expect(await exists(app.db, "publications", publicationId)).toBe(true);
  });

  it("orders the publications of one statement (one created_at) by id, none skipped nor seen twice", async () => {
    const same = [];
    for (let i = 0; i < 5; i++) same.push(await oldPublication(thirtyDays + day));
    await sql`update publications set created_at = (select min(created_at) from publications where id = any(${same.map((p) => p.publicationId)}::uuid[]))
      where id = any(${same.map((p) => p.publicationId)}::uuid[])`.execute(app.db);
    await sql`delete from deliveries where id = any(${same.map((p) => p.deliveryId)}::uuid[])`.execute(app.db);

    let deleted = 0;
    let next = null;
    do {
      const batch = await deletePublicationsBatch(app.db, thirtyDays, 2, next);
      deleted += batch.publications;
      next = batch.next;
    } while (next !== null);

    expect(deleted).toBe(5);
    for (const { publicationId } of same) expect(await exists(app.db, "publications", publicationId)).toBe(false);
  });
});

describe("a deliveries batch", () => {
  it("deletes at most its limit of attempts as well as of deliveries, each delivery whole; one with more goes alone", async () => {
    const like = (await oldPublication(0)).deliveryId;
    // A throttled delivery with 15 attempts, the oldest; then five with 4 each.
    const throttled = await cloneFinished(app.db, like, 1, thirtyDays + 2 * day, 15);
    const usual = await cloneFinished(app.db, like, 5, thirtyDays + day, 4);

    const batches = [];
    let batch;
    do {
      batch = await deleteFinishedDeliveriesBatch(app.db, thirtyDays, 10);
      batches.push(batch);
    } while (batch.more);

    expect(batches).toEqual([
      { deliveries: 1, attempts: 15, more: true },
      { deliveries: 2, attempts: 8, more: true },
      { deliveries: 2, attempts: 8, more: true },
      { deliveries: 1, attempts: 4, more: false },
    ]);
    for (const id of [...throttled, ...usual]) expect(await exists(app.db, "deliveries", id)).toBe(false);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from delivery_attempts where delivery_id = any(${[...throttled, ...usual]}::uuid[])`.execute(app.db);
    expect(rows[0]!.n).toBe(0);
  });
});
