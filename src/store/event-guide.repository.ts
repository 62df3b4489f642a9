import type { Db } from "./database.js";
import { fetchPage, type Page, type PageRequest } from "./pagination.js";
import type { EventGuideRow } from "./tables.js";

export async function insertEventGuide(db: Db, organizationId: string, name: string): Promise<EventGuideRow> {
  return db
    .insertInto("event_guides")
    .values({ organization_id: organizationId, name })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findEventGuide(db: Db, organizationId: string, id: string): Promise<EventGuideRow | undefined> {
  return db
    .selectFrom("event_guides")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function pageEventGuides(db: Db, organizationId: string, request: PageRequest): Promise<Page<EventGuideRow>> {
  return fetchPage(db.selectFrom("event_guides").selectAll().where("organization_id", "=", organizationId), request);
}
