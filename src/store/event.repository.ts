import type { Updateable } from "kysely";
import { type Db, runPrepared } from "./database.js";
import { fetchPage, type Page, type PageRequest } from "./pagination.js";
import type { EventRow, EventTable } from "./tables.js";

export interface NewEvent {
  eventGuideId: string | null;
  title: string;
  description: string | null;
  startDate: Date;
  endDate: Date;
}

export async function insertEvent(db: Db, organizationId: string, event: NewEvent): Promise<EventRow> {
  return db
    .insertInto("events")
    .values({
      organization_id: organizationId,
      event_guide_id: event.eventGuideId,
      title: event.title,
      description: event.description,
      start_date: event.startDate,
      end_date: event.endDate,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Removed events included: they stay resolvable by id. `lock: "update"` locks the row for a
 * change; `lock: "share"` keeps it from being removed while something is attached to it.
 */
export async function findEvent(
  db: Db,
  organizationId: string,
  id: string,
  options: { lock?: "update" | "share" } = {},
): Promise<EventRow | undefined> {
  let query = db.selectFrom("events").selectAll().where("organization_id", "=", organizationId).where("id", "=", id);
  if (options.lock === "update") query = query.forUpdate();
  if (options.lock === "share") query = query.forShare();
  // Origin queries look events and orders up on every delivery: planned once per connection.
  const [row] = await runPrepared(db, query.compile());
  return row;
}

export async function updateEvent(
  db: Db,
  organizationId: string,
  id: string,
  changes: Updateable<EventTable>,
): Promise<EventRow> {
  return db
    .updateTable("events")
    .set({ ...changes, updated_at: new Date() })
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function pageEvents(
  db: Db,
  organizationId: string,
  filter: { eventGuideId?: string; includeRemoved: boolean },
  request: PageRequest,
): Promise<Page<EventRow>> {
  let query = db.selectFrom("events").selectAll().where("organization_id", "=", organizationId);
  if (filter.eventGuideId) query = query.where("event_guide_id", "=", filter.eventGuideId);
  if (!filter.includeRemoved) query = query.where("removed_at", "is", null);
  return fetchPage(query, request);
}
