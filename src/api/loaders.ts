import DataLoader from "dataloader";
import type { Db } from "../store/database.js";
import { findEventGuidesByIds } from "../store/event-guide.repository.js";
import { findEventsByIds } from "../store/event.repository.js";
import { findOrganizationsByIds } from "../store/organization.repository.js";
import type { HookRow } from "../store/tables.js";
import { findHooksOfGroups, findWebhookGroupsByIds } from "../store/webhook-group.repository.js";

/**
 * Per-request batching of lookups by id, all within one organization: a page of 100 orders
 * asking for `event` costs one query, not a hundred. Nested fields resolve through these.
 */
export function createLoaders(db: Db, organizationId: string | undefined) {
  const byId = <Row extends { id: string }>(find: (db: Db, organizationId: string, ids: readonly string[]) => Promise<Row[]>) =>
    new DataLoader<string, Row | null>(async (ids) => {
      const rows = organizationId ? await find(db, organizationId, ids) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  return {
    organization: byId(findOrganizationsByIds),
    event: byId(findEventsByIds),
    eventGuide: byId(findEventGuidesByIds),
    /** Live groups only: a deleted group is answered as null. */
    webhookGroup: byId(findWebhookGroupsByIds),
    hooksOfGroup: new DataLoader<string, HookRow[]>(async (groupIds) => {
      const hooks = organizationId ? await findHooksOfGroups(db, organizationId, groupIds) : [];
      return groupIds.map((id) => hooks.filter((hook) => hook.webhook_group_id === id));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
