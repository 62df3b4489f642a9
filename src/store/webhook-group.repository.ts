import type { Insertable } from "kysely";
import type { Db } from "./database.js";
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

/** Live (not deleted) groups only. */
export async function findWebhookGroup(db: Db, organizationId: string, id: string): Promise<WebhookGroupRow | undefined> {
  return db
    .selectFrom("webhook_groups")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function pageWebhookGroups(
  db: Db,
  organizationId: string,
  request: PageRequest,
): Promise<Page<WebhookGroupRow>> {
  const query = db
    .selectFrom("webhook_groups")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("deleted_at", "is", null);
  return fetchPage(query, request);
}

/** Soft delete: deliveries keep pointing at the group. True when a live group was deleted. */
export async function deleteWebhookGroup(db: Db, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable("webhook_groups")
    .set({ deleted_at: new Date() })
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
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
