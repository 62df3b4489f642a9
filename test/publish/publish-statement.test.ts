import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../src/organizations/organizations.js";
import { publish, publishOnce, type Publication } from "../../src/publish/publish.js";
import type { Db } from "../../src/store/database.js";
import { useTestDatabase } from "../support/test-database.js";

// publish and publishOnce are one statement each: alone it is its own transaction, so publishEvent
// runs it without BEGIN and COMMIT around it; what it writes commits together or not at all.
const database = useTestDatabase();

async function organization(): Promise<string> {
  return (await createOrganization(database.db, "Publishing")).organization.id;
}

function eventUpdated(organizationId: string, data: unknown = { title: "Concert" }): Publication {
  return { organizationId, type: "EVENT_UPDATED", eventId: randomUUID(), orderId: null, data, external: true };
}

async function written(db: Db, organizationId: string) {
  const { rows } = await sql<{ publications: number; keys: number }>`
    select (select count(*)::int from publications where organization_id = ${organizationId}) as publications,
           (select count(*)::int from publication_keys where organization_id = ${organizationId}) as keys`.execute(db);
  return rows[0];
}

describe("the publish statement", () => {
  it("publishes without a transaction around it, again and again on the same prepared statement", async () => {
    const organizationId = await organization();
    for (let i = 0; i < 8; i++) expect(await publish(database.db, eventUpdated(organizationId))).toMatchObject({ deliveryCount: 0 });
    expect(await written(database.db, organizationId)).toEqual({ publications: 8, keys: 0 });
  });

  it("claims an idempotency key together with its publication; a held key publishes nothing", async () => {
    const organizationId = await organization();
    const key = `sync-${randomUUID()}`;
    const first = await publishOnce(database.db, eventUpdated(organizationId), key);
    expect(first).toEqual({ publicationId: expect.any(String), deliveryCount: 0 });
    const { rows } = await sql<{ publication_id: string }>`
      select publication_id from publication_keys where organization_id = ${organizationId} and idempotency_key = ${key}`.execute(database.db);
    expect(rows).toEqual([{ publication_id: first!.publicationId }]);
    expect(await publishOnce(database.db, eventUpdated(organizationId), key)).toBeNull();
    expect(await written(database.db, organizationId)).toEqual({ publications: 1, keys: 1 });
  });

  it("writes neither the key nor the publication when the statement fails", async () => {
    const organizationId = await organization();
    const key = `fails-${randomUUID()}`;
    // A type the table's check refuses fails the publication's insert, which comes after the key's claim.
    const unstorable = { ...eventUpdated(organizationId), type: "EVENT_RENAMED" as Publication["type"] };
    await expect(publishOnce(database.db, unstorable, key)).rejects.toThrow();
    expect(await written(database.db, organizationId)).toEqual({ publications: 0, keys: 0 });
    expect(await publishOnce(database.db, eventUpdated(organizationId), key)).toMatchObject({ deliveryCount: 0 });
  });

  it("in the caller's transaction, a rollback takes the publication and its key with it", async () => {
    const organizationId = await organization();
    const key = `rolled-back-${randomUUID()}`;
    const rolledBack = new Error("rolled back on purpose");
    await expect(
      database.db.transaction().execute(async (trx) => {
        expect(await publishOnce(trx, eventUpdated(organizationId), key)).not.toBeNull();
        expect(await publish(trx, eventUpdated(organizationId))).toMatchObject({ deliveryCount: 0 });
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await written(database.db, organizationId)).toEqual({ publications: 0, keys: 0 });
  });
});
