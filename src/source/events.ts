import { InputError, NotFoundError } from "../errors.js";
import { publish, type PublicationCounter } from "../publish/publish.js";
import { eventSubject } from "../publish/subject.js";
import type { Services } from "../services.js";
import type { Db } from "../store/database.js";
import { findEventGuide } from "../store/event-guide.repository.js";
import { findEvent, insertEvent, updateEvent } from "../store/event.repository.js";
import { isUuid, shownId } from "../store/ids.js";
import type { ApiKeyMode, EventRow, HookType } from "../store/tables.js";
import { dateTime, optionalText, orderedDates, requiredText } from "./source-input.js";

// Each change runs in its own transaction and publishes in it: a change and the deliveries it
// causes commit or roll back together. `mode` is the changing key's: a change made with a SANDBOX
// key reaches SANDBOX groups only (the event itself is the organization's one set of data).

export interface CreateEventInput {
  title: string;
  description?: string | null;
  startDate: Date | string;
  endDate: Date | string;
  eventGuideId?: string | null;
}

export interface UpdateEventInput {
  title?: string | null;
  description?: string | null;
  startDate?: Date | string | null;
  endDate?: Date | string | null;
}

export async function createEvent(
  services: Services,
  organizationId: string,
  input: CreateEventInput,
  mode: ApiKeyMode,
): Promise<EventRow> {
  const title = requiredText(input.title, "input.title", 500);
  const description = optionalText(input.description, "input.description", 10_000);
  const startDate = dateTime(input.startDate, "input.startDate");
  const endDate = dateTime(input.endDate, "input.endDate");
  orderedDates(startDate, endDate, "input.endDate");
  return services.db.transaction().execute(async (trx) => {
    const eventGuideId = input.eventGuideId ?? null;
    if (eventGuideId !== null && !(isUuid(eventGuideId) && (await findEventGuide(trx, organizationId, eventGuideId)))) {
      throw new InputError("input.eventGuideId", `no event guide ${shownId(eventGuideId)} in your organization`);
    }
    const event = await insertEvent(trx, organizationId, { eventGuideId, title, description, startDate, endDate });
    await publishEventChange(trx, "EVENT_CREATED", event, mode, services.metrics);
    return event;
  });
}

export async function changeEvent(
  services: Services,
  organizationId: string,
  id: string,
  input: UpdateEventInput,
  mode: ApiKeyMode,
): Promise<EventRow> {
  if (input.title === null) throw new InputError("input.title", "cannot be null");
  if (input.startDate === null) throw new InputError("input.startDate", "cannot be null");
  if (input.endDate === null) throw new InputError("input.endDate", "cannot be null");
  const title = input.title === undefined ? undefined : requiredText(input.title, "input.title", 500);
  const description =
    input.description === undefined ? undefined : optionalText(input.description, "input.description", 10_000);
  const startDate = input.startDate === undefined ? undefined : dateTime(input.startDate, "input.startDate");
  const endDate = input.endDate === undefined ? undefined : dateTime(input.endDate, "input.endDate");
  return services.db.transaction().execute(async (trx) => {
    const event = await lockLiveEvent(trx, organizationId, id);
    orderedDates(startDate ?? event.start_date, endDate ?? event.end_date, "input.endDate");
    const changes = { title, description, start_date: startDate, end_date: endDate };
    if (Object.values(changes).every((value) => value === undefined)) return event;
    const updated = await updateEvent(trx, organizationId, id, changes);
    await publishEventChange(trx, "EVENT_UPDATED", updated, mode, services.metrics);
    return updated;
  });
}

/** Soft removal; removing a removed event changes nothing and answers it as it is. */
export async function removeEvent(services: Services, organizationId: string, id: string, mode: ApiKeyMode): Promise<EventRow> {
  return services.db.transaction().execute(async (trx) => {
    const event = await lockEvent(trx, organizationId, id);
    if (event.removed_at) return event;
    const removed = await updateEvent(trx, organizationId, id, { removed_at: new Date() });
    await publishEventChange(trx, "EVENT_REMOVED", removed, mode, services.metrics);
    return removed;
  });
}

async function publishEventChange(trx: Db, type: HookType, event: EventRow, mode: ApiKeyMode, counter: PublicationCounter): Promise<void> {
  await publish(trx, {
    organizationId: event.organization_id,
    type,
    eventId: event.id,
    orderId: null,
    eventGuideId: event.event_guide_id,
    occurredAt: event.updated_at,
    data: eventSubject(event),
    external: false,
    mode,
  }, counter);
}

async function lockEvent(db: Db, organizationId: string, id: string): Promise<EventRow> {
  const event = isUuid(id) ? await findEvent(db, organizationId, id, { lock: "update" }) : undefined;
  if (!event) throw new NotFoundError(`id: no event ${shownId(id)} in your organization`);
  return event;
}

async function lockLiveEvent(db: Db, organizationId: string, id: string): Promise<EventRow> {
  const event = await lockEvent(db, organizationId, id);
  if (event.removed_at) throw new InputError("id", `event ${id} has been removed and can no longer change`);
  return event;
}
