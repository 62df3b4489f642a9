import type { Updateable } from "kysely";
import { type Db, runPrepared } from "./database.js";
import { fetchPage, type Page, type PageRequest } from "./pagination.js";
import type { OrderRow, OrderTable } from "./tables.js";

export interface NewOrder {
  eventId: string;
  hash: string;
  total: number;
  currency: string;
}

export async function insertOrder(db: Db, organizationId: string, order: NewOrder): Promise<OrderRow> {
  return db
    .insertInto("orders")
    .values({
      organization_id: organizationId,
      event_id: order.eventId,
      hash: order.hash,
      total: order.total,
      currency: order.currency,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removed orders included: they stay resolvable by id. `forUpdate` locks the row for a change. */
export async function findOrder(
  db: Db,
  organizationId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<OrderRow | undefined> {
  let query = db.selectFrom("orders").selectAll().where("organization_id", "=", organizationId).where("id", "=", id);
  if (options.forUpdate) query = query.forUpdate();
  // Origin queries look events and orders up on every delivery: planned once per connection.
  const [row] = await runPrepared(db, query.compile());
  return row;
}

export async function updateOrder(
  db: Db,
  organizationId: string,
  id: string,
  changes: Updateable<OrderTable>,
): Promise<OrderRow> {
  return db
    .updateTable("orders")
    .set({ ...changes, updated_at: new Date() })
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function pageOrders(
  db: Db,
  organizationId: string,
  filter: { eventId?: string; includeRemoved: boolean },
  request: PageRequest,
): Promise<Page<OrderRow>> {
  let query = db.selectFrom("orders").selectAll().where("organization_id", "=", organizationId);
  if (filter.eventId) query = query.where("event_id", "=", filter.eventId);
  if (!filter.includeRemoved) query = query.where("removed_at", "is", null);
  return fetchPage(query, request);
}
