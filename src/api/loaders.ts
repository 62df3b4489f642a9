import DataLoader from "dataloader";
import { liveGroupIdsOfKeys } from "../store/api-key-groups.js";
import type { Db } from "../store/database.js";
import { isUuid } from "../store/ids.js";
import {
  findEventGuidesByKeys,
  findEventsByKeys,
  findOrdersByKeys,
  findOrganizationsByKeys,
  type OwnedKey,
} from "../store/source-lookups.js";
import type { HookRow } from "../store/tables.js";
import { findHooksOfGroups, findWebhookGroupsByIds } from "../store/webhook-group.repository.js";

/** Source rows by (organization, id): one statement for every lookup made together. */
export type SourceLoaders = ReturnType<typeof createSourceLoaders>;

/**
 * `shared`: one set for many executions at once (the origin queries of the deliveries a worker
 * has in hand): nothing is cached, so each lookup reads afresh, and a batch stays open until the
 * event loop has run every execution that is ready. Otherwise per request: cached for the request.
 */
export function createSourceLoaders(db: () => Db, options: { shared: boolean }) {
  const byKey = <Row extends { id: string; organization_id?: string }>(find: (db: Db, keys: readonly OwnedKey[]) => Promise<Row[]>) =>
    new DataLoader<OwnedKey, Row | null, string>(
      async (keys) => {
        const wellFormed = keys.filter((key) => isUuid(key.id) && isUuid(key.organizationId));
        const rows = wellFormed.length > 0 ? await find(db(), wellFormed) : [];
        const found = new Map(rows.map((row) => [`${row.organization_id ?? row.id}/${row.id}`, row]));
        return keys.map((key) => found.get(`${key.organizationId}/${key.id}`) ?? null);
      },
      {
        cacheKeyFn: (key) => `${key.organizationId}/${key.id}`,
        ...(options.shared ? { cache: false, batchScheduleFn: (dispatch: () => void) => setImmediate(dispatch) } : {}),
      },
    );
  return {
    organization: byKey(findOrganizationsByKeys),
    event: byKey(findEventsByKeys),
    order: byKey(findOrdersByKeys),
    eventGuide: byKey(findEventGuidesByKeys),
  };
}

/**
 * Per-request batching of lookups by id, all within one organization: a page of 100 orders
 * asking for `event` costs one query, not a hundred. Nested fields resolve through these.
 * `source` may be shared with other executions (see createSourceLoaders); its statements serve
 * them all, so this execution's `signal` stops its own lookups before they join a batch.
 */
export function createLoaders(
  db: Db,
  organizationId: string | undefined,
  source = createSourceLoaders(() => db, { shared: false }),
  signal?: AbortSignal,
) {
  const within = <Row>(loader: DataLoader<OwnedKey, Row | null, string>) => ({
    load: async (id: string): Promise<Row | null> => {
      signal?.throwIfAborted();
      return organizationId ? loader.load({ organizationId, id }) : null;
    },
  });
  const byId = <Row extends { id: string }>(find: (db: Db, organizationId: string, ids: readonly string[]) => Promise<Row[]>) =>
    new DataLoader<string, Row | null>(async (ids) => {
      const rows = organizationId ? await find(db, organizationId, ids) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  return {
    organization: within(source.organization),
    event: within(source.event),
    order: within(source.order),
    eventGuide: within(source.eventGuide),
    /** Live groups only: a deleted group is answered as null. */
    webhookGroup: byId(findWebhookGroupsByIds),
    /** The live groups a limited key names (keys listed are the caller's organization's). */
    groupIdsOfKey: new DataLoader<string, string[]>(async (keyIds) => {
      const byKey = await liveGroupIdsOfKeys(db, keyIds);
      return keyIds.map((id) => byKey.get(id) ?? []);
    }),
    hooksOfGroup: new DataLoader<string, HookRow[]>(async (groupIds) => {
      const hooks = organizationId ? await findHooksOfGroups(db, organizationId, groupIds) : [];
      return groupIds.map((id) => hooks.filter((hook) => hook.webhook_group_id === id));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
