import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../src/organizations/organizations.js";
import { publish, publishAlone, type Publication } from "../../src/publish/publish.js";
import type { Db } from "../../src/store/database.js";
import { useTestDatabase } from "../support/test-database.js";

// A publication is one statement, whatever its idempotency key and however many hooks match.
// publishAlone (publishEvent) runs it without a transaction around it and writes the publications
// that arrive together in one statement; what a statement writes commits together or not at all.
const database = useTestDatabase();

async function organization(): Promise<string> {
  return (await createOrganization(database.db, "Publishing")).organization.id;
}

function eventUpdated(organizationId: string, data: unknown = { title: "Concert" }): Publication {
  return { organizationId, type: "EVENT_UPDATED", eventId: randomUUID(), orderId: null, data, external: true, mode: "LIVE" };
}

async function written(db: Db, organizationId: string) {
  const { rows } = await sql<{ publications: number; keys: number }>`
    select (select count(*)::int from publications where organization_id = ${organizationId}) as publications,
           (select count(*)::int from publication_keys where organization_id = ${organizationId}) as keys`.execute(db);
  return rows[0];
}

describe("publishing", () => {
  it("publishes without a transaction around it, again and again on the same prepared statement", async () => {
    const organizationId = await organization();
    for (let i = 0; i < 8; i++) expect(await publish(database.db, eventUpdated(organizationId))).toMatchObject({ deliveryCount: 0 });
    for (let i = 0; i < 8; i++) expect(await publishAlone(database.db, eventUpdated(organizationId), null)).toMatchObject({ deliveryCount: 0 });
    expect(await written(database.db, organizationId)).toEqual({ publications: 16, keys: 0 });
  });

  it("claims an idempotency key together with its publication; a held key publishes nothing", async () => {
    const organizationId = await organization();
    const key = `sync-${randomUUID()}`;
    const first = await publishAlone(database.db, eventUpdated(organizationId), key);
    expect(first).toEqual({ publicationId: expect.any(String), deliveryCount: 0 });
    const { rows } = await sql<{ publication_id: string }>`
      select publication_id from publication_keys where organization_id = ${organizationId} and idempotency_key = ${key}`.execute(database.db);
    expect(rows).toEqual([{ publication_id: first!.publicationId }]);
    expect(await publishAlone(database.db, eventUpdated(organizationId), key)).toBeNull();
    expect(await written(database.db, organizationId)).toEqual({ publications: 1, keys: 1 });
  });

  it("writes neither the key nor the publication when the statement fails", async () => {
    const organizationId = await organization();
    const key = `fails-${randomUUID()}`;
    // A type the table's check refuses fails the publication's insert, which comes after the key's claim.
    const unstorable = { ...eventUpdated(organizationId), type: "EVENT_RENAMED" as Publication["type"] };
    await expect(publishAlone(database.db, unstorable, key)).rejects.toThrow();
    expect(await written(database.db, organizationId)).toEqual({ publications: 0, keys: 0 });
    expect(await publishAlone(database.db, eventUpdated(organizationId), key)).toMatchObject({ deliveryCount: 0 });
  });

  it("in the caller's transaction, a rollback takes the publication with it", async () => {
    const organizationId = await organization();
    const rolledBack = new Error("rolled back on purpose");
    await expect(
      database.db.transaction().execute(async (trx) => {
        expect(await publish(trx, eventUpdated(organizationId))).toMatchObject({ deliveryCount: 0 });
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await written(database.db, organizationId)).toEqual({ publications: 0, keys: 0 });
  });
});

describe("publications arriving together", () => {
  it("are each answered with their own publication; of those sharing a key, exactly one publishes", async () => {
    const organizationId = await organization();
    const shared = `shared-${randomUUID()}`;
    const calls = Array.from({ length: 60 }, (_, i) => ({
      publication: eventUpdated(organizationId, { n: i }),
      key: i % 3 === 0 ? shared : i % 3 === 1 ? `own-${i}-${randomUUID()}` : null,
    }));
    const answers = await Promise.all(calls.map(({ publication, key }) => publishAlone(database.db, publication, key)));
    const published = answers.filter((answer) => answer !== null);
    expect(answers.filter((answer, i) => answer === null && calls[i]!.key !== shared)).toEqual([]);
    expect(answers.filter((answer, i) => answer !== null && calls[i]!.key === shared)).toHaveLength(1);
    expect(new Set(published.map((answer) => answer!.publicationId)).size).toBe(published.length);
    const { rows } = await sql<{ id: string; data: { n: number } }>`
      select id, data from publications where organization_id = ${organizationId}`.execute(database.db);
    // Each answer names the publication made of its own call.
    const dataOf = new Map(rows.map((row) => [row.id, row.data.n]));
    answers.forEach((answer, i) => answer && expect(dataOf.get(answer.publicationId)).toBe(i));
    expect(await written(database.db, organizationId)).toEqual({ publications: published.length, keys: 21 });
  });

  it("are not failed by one of them that fails: each of the others is written", async () => {
    const organizationId = await organization();
    const good = Array.from({ length: 12 }, () => eventUpdated(organizationId));
    const bad = { ...eventUpdated(organizationId), type: "EVENT_RENAMED" as Publication["type"] };
    // The first go at once; the rest, the failing one last, wait and go together.
    const answers = await Promise.allSettled([...good, bad].map((publication) => publishAlone(database.db, publication, null)));
    expect(answers.slice(0, -1).every((answer) => answer.status === "fulfilled" && answer.value !== null)).toBe(true);
    expect(answers.at(-1)!.status).toBe("rejected");
    expect(await written(database.db, organizationId)).toEqual({ publications: 12, keys: 0 });
  });
});
