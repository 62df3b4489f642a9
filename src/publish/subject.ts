import type { EventRow, OrderRow } from "../store/tables.js";

/**
 * What a publication is about, as conditions (and includeData) see it: the event or order as the
 * GraphQL API shows it (schema/source.graphql), camelCase, dates as ISO strings, taken in the
 * transaction of the change so it is the object as it was then.
 */
export interface EventSubject {
  id: string;
  title: string;
  description: string | null;
  startDate: string;
  endDate: string;
  status: "ACTIVE" | "REMOVED";
  eventGuideId: string | null;
  createdAt: string;
  updatedAt: string;
  removedAt: string | null;
}

export interface OrderSubject {
  id: string;
  hash: string;
  status: "OPEN" | "CANCELLED" | "REMOVED";
  /** As the API's Float: 12.5 for 12.50. */
  total: number;
  currency: string;
  eventId: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  removedAt: string | null;
  event: EventSubject;
}

export function eventSubject(row: EventRow): EventSubject {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    startDate: iso(row.start_date),
    endDate: iso(row.end_date),
    status: row.removed_at ? "REMOVED" : "ACTIVE",
    eventGuideId: row.event_guide_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    removedAt: row.removed_at ? iso(row.removed_at) : null,
  };
}

export function orderSubject(row: OrderRow, eventRow: EventRow): OrderSubject {
  return {
    id: row.id,
    hash: row.hash,
    status: row.removed_at ? "REMOVED" : row.cancelled_at ? "CANCELLED" : "OPEN",
    total: Number(row.total),
    currency: row.currency,
    eventId: row.event_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    cancelledAt: row.cancelled_at ? iso(row.cancelled_at) : null,
    removedAt: row.removed_at ? iso(row.removed_at) : null,
    event: eventSubject(eventRow),
  };
}

function iso(date: Date): string {
  return new Date(date).toISOString();
}
