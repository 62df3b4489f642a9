import { type Insertable, sql } from "kysely";
import type { Db } from "./database.js";
import { everyGroup, type GroupReach, groupWithinReach } from "./group-reach.js";
import { fetchPage, type Page, type PageRequest } from "./pagination.js";
import type { HookRow, HookTable, WebhookGroupRow, WebhookGroupTable } from "./tables.js";

export type NewWebhookGroup = Omit<Insertable<WebhookGroupTable>, "organization_id">;
export type NewHook = Omit<Insertable<HookTable>, "webhook_group_id" | "organization_id" | "position">;

/** One statement for the group, one for all its hooks; call inside a transaction. */
export async function insertWebhookGroup(
  db: Db,
  organizationId: string,
  group: NewWebhookGroup,
  hooks: NewHook[],
): Promise<WebhookGroupRow> {
  const row = await db
    .insertInto("webhook_groups")
    .values({ ...group, organization_id: organizationId })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto("hooks")
    .values(hooks.map((hook, position) => ({ ...hook, position, webhook_group_id: row.id, organization_id: organizationId })))
    .execute();
  return row;
}

/** Live (not deleted) groups only, within the caller's reach. */
export async function findWebhookGroup(
  db: Db,
  organizationId: string,
  id: string,
  reach: GroupReach = everyGroup,
): Promise<WebhookGroupRow | undefined> {
  return db
    .selectFrom("webhook_groups")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .where(groupWithinReach(reach))
    .executeTakeFirst();
}

export async function pageWebhookGroups(
  db: Db,
  organizationId: string,
  request: PageRequest,
  reach: GroupReach = everyGroup,
): Promise<Page<WebhookGroupRow>> {
  const query = db
    .selectFrom("webhook_groups")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("deleted_at", "is", null)
    .where(groupWithinReach(reach));
  return fetchPage(query, request);
}

/** A deleted group, and the limited keys that named it (they no longer do). */
export interface DeletedWebhookGroup {
  group: WebhookGroupRow;
  namedBy: string[];
}

/**
 * Soft delete: deliveries keep pointing at the group. In the same statement the group leaves
 * every key limited to it (such a key keeps its other groups; with none left it reaches none).
 * Undefined when no live group within reach has the id.
 */
export async function deleteWebhookGroup(
  db: Db,
  organizationId: string,
  id: string,
  reach: GroupReach = everyGroup,
): Promise<DeletedWebhookGroup | undefined> {
  const { rows } = await sql<WebhookGroupRow & { named_by: string[] }>`
    with deleted as (
      update webhook_groups set deleted_at = now()
      where organization_id = ${organizationId} and id = ${id} and deleted_at is null
        and ${groupWithinReach(reach)}
      returning *
    ), unnamed as (
      delete from api_key_groups where webhook_group_id in (select id from deleted) returning api_key_id
    )
    select deleted.*, array(select api_key_id from unnamed order by 1) as named_by from deleted`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { named_by: namedBy, ...group } = row;
  return { group, namedBy };
}

/** Live groups of the organization among `ids`; for per-request batching. */
export async function findWebhookGroupsByIds(db: Db, organizationId: string, ids: readonly string[]): Promise<WebhookGroupRow[]> {
  return db
    .selectFrom("webhook_groups")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "in", ids)
    .where("deleted_at", "is", null)
    .execute();
}

/** The hooks of the organization's groups among `groupIds`, by group and position. */
export async function findHooksOfGroups(db: Db, organizationId: string, groupIds: readonly string[]): Promise<HookRow[]> {
  return db
    .selectFrom("hooks")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("webhook_group_id", "in", groupIds)
    .orderBy("webhook_group_id")
    .orderBy("position")
    .execute();
}
