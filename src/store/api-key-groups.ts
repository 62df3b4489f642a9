import { sql } from "kysely";
import type { Db } from "./database.js";
import type { ApiKeyMode } from "./tables.js";

// The groups a limited API key names (api_key_groups). Deleting a group unnames it in the same
// statement (webhook-group.repository.ts); replacing one names its replacement instead.

/** The organization's live groups among `ids`, locked against deletion until the transaction ends. */
export async function lockLiveGroups(
  trx: Db,
  organizationId: string,
  ids: readonly string[],
): Promise<Array<{ id: string; mode: ApiKeyMode }>> {
  return trx
    .selectFrom("webhook_groups")
    .select(["id", "mode"])
    .where("organization_id", "=", organizationId)
    .where("id", "in", ids)
    .where("deleted_at", "is", null)
    .forShare()
    .execute();
}

/** Names `groupIds` for each of `keyIds` (one statement). */
export async function nameGroupsForKeys(
  trx: Db,
  organizationId: string,
  keyIds: readonly string[],
  groupIds: readonly string[],
): Promise<void> {
  const rows = keyIds.flatMap((keyId) =>
    groupIds.map((groupId) => ({ organization_id: organizationId, api_key_id: keyId, webhook_group_id: groupId })),
  );
  if (rows.length > 0) await trx.insertInto("api_key_groups").values(rows).onConflict((oc) => oc.doNothing()).execute();
}

/**
 * The live groups each of `keyIds` names, by key, ids in order (a group deleted while a key was
 * being created with it may leave a row behind: never shown, never reached).
 */
export async function liveGroupIdsOfKeys(db: Db, keyIds: readonly string[]): Promise<Map<string, string[]>> {
  const byKey = new Map<string, string[]>(keyIds.map((id) => [id, []]));
  if (keyIds.length === 0) return byKey;
  const rows = await db
    .selectFrom("api_key_groups as k")
    .innerJoin("webhook_groups as g", "g.id", "k.webhook_group_id")
    .select(["k.api_key_id", "k.webhook_group_id"])
    .where("k.api_key_id", "in", keyIds)
    .where("g.deleted_at", "is", null)
    .orderBy("k.webhook_group_id")
    .execute();
  for (const row of rows) byKey.get(row.api_key_id)?.push(row.webhook_group_id);
  return byKey;
}

/** The scopes of the live groups a key names: what a limited key may create groups for. */
export async function scopesOfKeyGroups(
  db: Db,
  keyId: string,
): Promise<Array<{ event_id: string | null; event_guide_id: string | null }>> {
  const { rows } = await sql<{ event_id: string | null; event_guide_id: string | null }>`
    select g.event_id, g.event_guide_id
    from api_key_groups k join webhook_groups g on g.id = k.webhook_group_id
    where k.api_key_id = ${keyId} and g.deleted_at is null`.execute(db);
  return rows;
}
