import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";
import type { ApiKeyMode, ApiKeyRole, ApiKeyRow } from "./tables.js";

/** `limitedToGroups`: the key reaches only the groups named for it in api_key_groups. */
export async function insertApiKey(
  db: Db,
  key: { organizationId: string; role: ApiKeyRole; mode: ApiKeyMode; limitedToGroups: boolean; hash: Buffer; prefix: string },
): Promise<ApiKeyRow> {
  return db
    .insertInto("api_keys")
    .values({
      organization_id: key.organizationId,
      role: key.role,
      mode: key.mode,
      limited_to_groups: key.limitedToGroups,
      key_hash: key.hash,
      key_prefix: key.prefix,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** What a request needs of an active key. */
export interface ActiveApiKey {
  id: string;
  organization_id: string;
  role: ApiKeyRole;
  mode: ApiKeyMode;
  /** Which groups it names is read by each statement that needs it, so it is never stale. */
  limited_to_groups: boolean;
}

/**
 * The active key with this hash, noting its use in the same round trip: `last_used_at` moves at
 * most once a minute, so a lookup writes only then. The API looks a key up once per its cache's
 * lifetime, not per request (src/api/api-key-cache.ts).
 */
export async function findActiveApiKeyNotingUse(db: Db, hash: Buffer): Promise<ActiveApiKey | undefined> {
  const query = sql<ActiveApiKey>`
    with found as (
      select id, organization_id, role, mode, limited_to_groups from api_keys where key_hash = ${hash} and revoked_at is null
    ), used as (
      update api_keys set last_used_at = now()
      where id = (select id from found)
        and revoked_at is null
        and (last_used_at is null or last_used_at < now() - interval '1 minute')
    )
    select id, organization_id, role, mode, limited_to_groups from found`.compile(db);
  const [row] = await runPrepared(db, query);
  return row;
}

export async function listApiKeys(db: Db, organizationId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .orderBy("created_at", "desc")
    .execute();
}

/**
 * True when an active key of that organization was revoked. The id is noted at once, before the
 * caller's transaction commits, so this process's key caches stop trusting the key from then on.
 */
export async function revokeApiKey(db: Db, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: new Date() })
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const revoked = result.numUpdatedRows > 0n;
  if (revoked) noteRevokedHere(id);
  return revoked;
}

// Revocations are rare (a person asks for each); the bound only keeps a long-lived process finite.
const revokedHere = new Set<string>();
const revokedHereLimit = 10_000;

function noteRevokedHere(id: string): void {
  revokedHere.add(id);
  if (revokedHere.size > revokedHereLimit) revokedHere.delete(revokedHere.values().next().value!);
}

/**
 * True when this process revoked the key (its transaction may not have committed yet): a cached
 * copy of it must be looked up again. Other processes' revocations reach a cache when it expires.
 */
export function wasRevokedHere(id: string): boolean {
  return revokedHere.has(id);
}

/**
 * The ids of the organization's active key-managing keys (LIVE ADMIN keys for every group),
 * locked until the transaction ends.
 */
export async function lockActiveAdminKeyIds(trx: Db, organizationId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("api_keys")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where("role", "=", "ADMIN")
    .where("mode", "=", "LIVE")
    .where("limited_to_groups", "=", false)
    .where("revoked_at", "is", null)
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}
