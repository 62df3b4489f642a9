import { sql } from "kysely";
import type { Db } from "./database.js";
import type { ApiKeyRole, ApiKeyRow } from "./tables.js";

export async function insertApiKey(
  db: Db,
  key: { organizationId: string; role: ApiKeyRole; hash: Buffer; prefix: string },
): Promise<ApiKeyRow> {
  return db
    .insertInto("api_keys")
    .values({ organization_id: key.organizationId, role: key.role, key_hash: key.hash, key_prefix: key.prefix })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findActiveApiKeyByHash(db: Db, hash: Buffer): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("key_hash", "=", hash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function listApiKeys(db: Db, organizationId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .orderBy("created_at", "desc")
    .execute();
}

/** True when an active key of that organization was revoked. */
export async function revokeApiKey(db: Db, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: new Date() })
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records use at most once a minute per key, so reads do not each cost a write. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db
    .updateTable("api_keys")
    .set({ last_used_at: new Date() })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}

/** The ids of the organization's active ADMIN keys, locked until the transaction ends. */
export async function lockActiveAdminKeyIds(trx: Db, organizationId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("api_keys")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where("role", "=", "ADMIN")
    .where("revoked_at", "is", null)
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}
