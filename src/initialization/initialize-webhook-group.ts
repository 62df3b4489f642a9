import { InputError, NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { findEvent } from "../store/event.repository.js";
import { everyGroup, type GroupReach } from "../store/group-reach.js";
import { isUuid, shownId } from "../store/ids.js";
import {
  countHooksByType,
  countSources,
  defaultInitializationPerSecond,
  findQueuingInitialization,
  type InitializationScope,
  insertInitialization,
} from "../store/initialization.repository.js";
import type { HookType, InitializationRow, WebhookGroupRow } from "../store/tables.js";
import { findWebhookGroup } from "../store/webhook-group.repository.js";

/** The hook types an initialization can re-push: what exists is events and their orders. */
export const initializableTypes: readonly HookType[] = ["EVENT_CREATED", "ORDER_CREATED"];

export interface InitializeInput {
  types: readonly HookType[];
  eventId?: string | null;
  since?: Date | string | null;
  until?: Date | string | null;
}

/**
 * doo's initialization: the group's hooks of `types` get a delivery for every event (EVENT_CREATED)
 * or order (ORDER_CREATED) of the group's scope that exists, not removed, optionally only one
 * event's and only those created in [since, until) — through the normal path (origin query,
 * token, signature, retries), marked as the initialization's, at the group's maxRequestsPerSecond
 * or 50 a second. Nothing is read here but counts: the worker queues the deliveries in batches
 * (src/publish/initialization-batch.ts). One initialization per group may be queuing at a time.
 */
export async function initializeWebhookGroup(
  services: Services,
  organizationId: string,
  groupId: string,
  input: InitializeInput,
  reach: GroupReach = everyGroup,
): Promise<InitializationRow> {
  const { db } = services;
  const types = typesOf(input.types);
  const since = dateOf(input.since, "input.since");
  const asked = dateOf(input.until, "input.until");
  const now = new Date();
  // What exists by now: a later `until` would only pick up what live deliveries bring anyway.
  const until = asked !== null && asked < now ? asked : now;
  if (since !== null && asked !== null && since >= asked) {
    throw new InputError("input.until", `the window must end after it starts (since ${since.toISOString()}, until ${asked.toISOString()})`);
  }

  const group = isUuid(groupId) ? await findWebhookGroup(db, organizationId, groupId.toLowerCase(), reach) : undefined;
  if (!group) throw new NotFoundError(`groupId: no webhook group ${shownId(groupId)} in your organization`);
  if (!group.enabled) throw new InputError("groupId", `webhook group ${group.id} is disabled; enable it before initializing it`);
  const eventId = await eventOf(services, group, input.eventId);

  const hooks = await countHooksByType(db, organizationId, group.id);
  types.forEach((type, index) => {
    if (!hooks.get(type)) throw new InputError(`input.types[${index}]`, `webhook group ${group.id} has no ${type} hook`);
  });
  const running = await findQueuingInitialization(db, group.id);
  if (running) throw stillQueuing(group.id, running.id);

  const scope: InitializationScope = {
    organizationId,
    groupEventId: group.event_id,
    groupEventGuideId: group.event_guide_id,
    eventId,
    since,
    until,
  };
  let queued = 0;
  for (const type of types) queued += (await countSources(db, scope, type)) * hooks.get(type)!;
  const created = await insertInitialization(db, {
    organizationId,
    groupId: group.id,
    types,
    eventId,
    since,
    until,
    perSecond: group.max_requests_per_second ?? defaultInitializationPerSecond,
    queued,
  });
  if (!created) throw stillQueuing(group.id, (await findQueuingInitialization(db, group.id))?.id ?? null);
  return created;
}

function stillQueuing(groupId: string, initializationId: string | null): InputError {
  const which = initializationId ? ` (${initializationId})` : "";
  return new InputError("groupId", `webhook group ${groupId} has an initialization still queuing${which}; wait until it has queued everything`);
}

/** The types asked for, each once, events queued before orders (an `ordered` group also sends them so). */
function typesOf(types: readonly HookType[]): HookType[] {
  if (!Array.isArray(types) || types.length === 0) {
    throw new InputError("input.types", `must name at least one of ${initializableTypes.join(", ")}`);
  }
  types.forEach((type, index) => {
    if (!initializableTypes.includes(type)) {
      throw new InputError(`input.types[${index}]`, `must be ${initializableTypes.join(" or ")}: an initialization re-pushes the events and orders that exist`);
    }
  });
  return initializableTypes.filter((type) => types.includes(type));
}

function dateOf(value: Date | string | null | undefined, field: string): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : typeof value === "string" && value.trim() !== "" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new InputError(field, "must be a date-time such as 2026-11-20T00:00:00Z");
  return date;
}

/** The event asked for: one of the organization's, not removed, within the group's scope. */
async function eventOf(services: Services, group: WebhookGroupRow, eventId: string | null | undefined): Promise<string | null> {
  if (eventId === null || eventId === undefined) return null;
  const event = isUuid(eventId) ? await findEvent(services.db, group.organization_id, eventId.toLowerCase()) : undefined;
  if (!event) throw new InputError("input.eventId", `no event ${shownId(eventId)} in your organization`);
  if (event.removed_at) throw new InputError("input.eventId", `event ${event.id} has been removed`);
  const inScope =
    (group.event_id === null || group.event_id === event.id) &&
    (group.event_guide_id === null || group.event_guide_id === event.event_guide_id);
  if (!inScope) throw new InputError("input.eventId", `event ${event.id} is outside webhook group ${group.id}'s scope`);
  return event.id;
}
