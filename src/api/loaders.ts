import DataLoader from "dataloader";
import type { Db } from "../store/database.js";
import type { EventGuideRow, EventRow, HookRow, OrganizationRow, WebhookGroupRow } from "../store/tables.js";

/**
 * Per-request batching of lookups by id, all within one organization: a page of 100 orders
 * asking for `event` costs one query, not a hundred. Nested fields resolve through these.
 */
export function createLoaders(db: Db, organizationId: string | undefined) {
  const byId = <Row extends { id: string }>(load: (ids: readonly string[]) => Promise<Row[]>) =>
    new DataLoader<string, Row | null>(async (ids) => {
      const rows = organizationId ? await load(ids) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  return {
    organization: byId<OrganizationRow>((ids) =>
      db.selectFrom("organizations").selectAll().where("id", "=", organizationId!).where("id", "in", ids).execute(),
    ),
    event: byId<EventRow>((ids) =>
      db.selectFrom("events").selectAll().where("organization_id", "=", organizationId!).where("id", "in", ids).execute(),
    ),
    eventGuide: byId<EventGuideRow>((ids) =>
      db.selectFrom("event_guides").selectAll().where("organization_id", "=", organizationId!).where("id", "in", ids).execute(),
    ),
    /** Live groups only: a deleted group is answered as null. */
    webhookGroup: byId<WebhookGroupRow>((ids) =>
      db
        .selectFrom("webhook_groups")
        .selectAll()
        .where("organization_id", "=", organizationId!)
        .where("id", "in", ids)
        .where("deleted_at", "is", null)
        .execute(),
    ),
    hooksOfGroup: new DataLoader<string, HookRow[]>(async (groupIds) => {
      const hooks = organizationId
        ? await db
            .selectFrom("hooks")
            .selectAll()
            .where("organization_id", "=", organizationId)
            .where("webhook_group_id", "in", groupIds)
            .orderBy("webhook_group_id")
            .orderBy("position")
            .execute()
        : [];
      return groupIds.map((id) => hooks.filter((hook) => hook.webhook_group_id === id));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
