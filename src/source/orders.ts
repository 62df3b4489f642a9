import { randomBytes } from "node:crypto";
import { InputError, NotFoundError } from "../errors.js";
import { publish, type PublicationCounter } from "../publish/publish.js";
import { orderSubject } from "../publish/subject.js";
import type { Services } from "../services.js";
import type { Db } from "../store/database.js";
import { findEvent } from "../store/event.repository.js";
import { isUuid, shownId } from "../store/ids.js";
import { findOrder, insertOrder, updateOrder } from "../store/order.repository.js";
import type { ApiKeyMode, EventRow, HookType, OrderRow } from "../store/tables.js";
import { currencyCode, moneyAmount } from "./source-input.js";

// Like events: every change in its own transaction, publishing in it, to the groups of `mode`.

export interface CreateOrderInput {
  eventId: string;
  total: number;
  currency: string;
}

export interface UpdateOrderInput {
  total?: number | null;
  currency?: string | null;
}

export async function createOrder(
  services: Services,
  organizationId: string,
  input: CreateOrderInput,
  mode: ApiKeyMode,
): Promise<OrderRow> {
  const total = moneyAmount(input.total, "input.total");
  const currency = currencyCode(input.currency, "input.currency");
  return services.db.transaction().execute(async (trx) => {
    const event = isUuid(input.eventId) ? await findEvent(trx, organizationId, input.eventId, { lock: "share" }) : undefined;
    if (!event) throw new InputError("input.eventId", `no event ${shownId(input.eventId)} in your organization`);
    if (event.removed_at) throw new InputError("input.eventId", `event ${input.eventId} has been removed`);
    const order = await insertOrder(trx, organizationId, { eventId: event.id, hash: orderHash(), total, currency });
    await publishOrderChange(trx, "ORDER_CREATED", order, event, mode, services.metrics);
    return order;
  });
}

export async function changeOrder(
  services: Services,
  organizationId: string,
  id: string,
  input: UpdateOrderInput,
  mode: ApiKeyMode,
): Promise<OrderRow> {
  if (input.total === null) throw new InputError("input.total", "cannot be null");
  if (input.currency === null) throw new InputError("input.currency", "cannot be null");
  const total = input.total === undefined ? undefined : moneyAmount(input.total, "input.total");
  const currency = input.currency === undefined ? undefined : currencyCode(input.currency, "input.currency");
  return services.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, organizationId, id);
    if (order.removed_at) throw new InputError("id", `order ${id} has been removed and can no longer change`);
    if (order.cancelled_at) throw new InputError("id", `order ${id} is cancelled and can no longer change`);
    if (total === undefined && currency === undefined) return order;
    const updated = await updateOrder(trx, organizationId, id, { total, currency });
    await publishOrderChange(trx, "ORDER_UPDATED", updated, await eventOf(trx, updated), mode, services.metrics);
    return updated;
  });
}

/** Cancelling a cancelled order changes nothing and answers it as it is. */
export async function cancelOrder(services: Services, organizationId: string, id: string, mode: ApiKeyMode): Promise<OrderRow> {
  return services.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, organizationId, id);
    if (order.removed_at) throw new InputError("id", `order ${id} has been removed and can no longer change`);
    if (order.cancelled_at) return order;
    const cancelled = await updateOrder(trx, organizationId, id, { cancelled_at: new Date() });
    await publishOrderChange(trx, "ORDER_CANCELLED", cancelled, await eventOf(trx, cancelled), mode, services.metrics);
    return cancelled;
  });
}

/** Soft removal; removing a removed order changes nothing and answers it as it is. */
export async function removeOrder(services: Services, organizationId: string, id: string, mode: ApiKeyMode): Promise<OrderRow> {
  return services.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, organizationId, id);
    if (order.removed_at) return order;
    const removed = await updateOrder(trx, organizationId, id, { removed_at: new Date() });
    await publishOrderChange(trx, "ORDER_REMOVED", removed, await eventOf(trx, removed), mode, services.metrics);
    return removed;
  });
}

/** `event`: the order's event, for its guide and for the subject conditions see. */
async function publishOrderChange(trx: Db, type: HookType, order: OrderRow, event: EventRow, mode: ApiKeyMode, counter: PublicationCounter): Promise<void> {
  await publish(trx, {
    organizationId: order.organization_id,
    type,
    eventId: order.event_id,
    orderId: order.id,
    eventGuideId: event.event_guide_id,
    occurredAt: order.updated_at,
    data: orderSubject(order, event),
    external: false,
    mode,
  }, counter);
}

/** The order's event as it is now (a removed one too: orders keep their event). */
async function eventOf(trx: Db, order: OrderRow): Promise<EventRow> {
  const event = await findEvent(trx, order.organization_id, order.event_id);
  if (!event) throw new Error(`event of order ${order.id} is missing`);
  return event;
}

async function lockOrder(db: Db, organizationId: string, id: string): Promise<OrderRow> {
  const order = isUuid(id) ? await findOrder(db, organizationId, id, { forUpdate: true }) : undefined;
  if (!order) throw new NotFoundError(`id: no order ${shownId(id)} in your organization`);
  return order;
}

// 60 random bits in Crockford-like base32: short enough to read out, unique in practice
// (the column is unique, so a collision fails loudly rather than silently).
function orderHash(): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  return Array.from(randomBytes(12), (byte) => alphabet[byte % 32]).join("");
}
