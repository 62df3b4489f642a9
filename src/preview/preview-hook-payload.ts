import { randomUUID } from "node:crypto";
import type { GraphQLSchema } from "graphql";
import type { OriginDraft, OriginInput } from "../webhook-groups/input/webhook-group-input.js";
import { defaultPayload } from "../delivery/payload/default-payload.js";
import { OriginUnavailableError, runOrigin } from "../delivery/payload/origin-payload.js";
import { InputError } from "../errors.js";
import type { Services } from "../services.js";
import type { DeliveryToSend } from "../store/delivery.repository.js";
import { findEvent } from "../store/event.repository.js";
import { isUuid } from "../store/ids.js";
import { findOrder } from "../store/order.repository.js";
import type { HookType } from "../store/tables.js";
import { parseGroupInput } from "../webhook-groups/create-webhook-group.js";
import { createOriginDocumentCache, type OriginDocumentCache } from "../origin/origin-document.js";

export interface PreviewHookPayloadInput {
  hookType: HookType;
  origin?: OriginInput | null;
  eventId?: string | null;
  orderId?: string | null;
}

export interface PreviewHookPayloadResult {
  /** The body parsed; null when no payload could be built. */
  payload: unknown;
  /** The exact bytes a delivery would send; null when no payload could be built. */
  body: string | null;
  /** The origin's GraphQL errors (the payload is still sent), or why no payload could be built. */
  errors: string[];
}

/** Parsed, validated origin documents for previews, one cache per schema (the API has no DeliveryKit). */
const documentCaches = new WeakMap<GraphQLSchema, OriginDocumentCache>();

function documentsFor(schema: GraphQLSchema): OriginDocumentCache {
  let cache = documentCaches.get(schema);
  if (!cache) {
    cache = createOriginDocumentCache(schema);
    documentCaches.set(schema, cache);
  }
  return cache;
}

/**
 * Builds the payload a hook would send for a real event or order of the caller's organization,
 * with the very code the worker uses (default payload, or the origin query with its placeholders
 * substituted), and sends and writes nothing. Origins are checked exactly as group creation
 * checks them, with errors rooted at `input.origin`.
 */
export async function previewHookPayload(
  services: Services,
  organizationId: string,
  input: PreviewHookPayloadInput,
): Promise<PreviewHookPayloadResult> {
  const origin = input.origin == null ? null : checkOrigin(services, input.hookType, input.origin);
  const ids = await resolveIds(services, organizationId, input);
  const now = new Date();
  // Only what defaultPayload and runOrigin read matters; the rest keeps the type whole.
  const delivery: DeliveryToSend = {
    // A preview has no delivery yet: the real `delivery_id` of a default payload (the webhook-id) differs at send time.
    id: randomUUID(),
    organization_id: organizationId,
    publication_id: null,
    webhook_group_id: "",
    hook_id: "",
    type: input.hookType,
    event_id: ids.eventId,
    order_id: ids.orderId,
    event_guide_id: ids.eventGuideId,
    occurred_at: ids.occurredAt,
    is_test: false,
    status: "PENDING",
    attempt_count: 0,
    next_attempt_at: now,
    payload: null,
    payload_errors: null,
    created_at: now,
    finished_at: null,
    hook_method: "POST",
    hook_endpoint: "",
    origin_method: origin?.method ?? null,
    origin_endpoint: origin?.endpoint ?? null,
    origin_body: origin?.body ?? null,
    origin_target: origin?.target ?? null,
    signing_secret_encrypted: "",
    auth_endpoint: null,
    auth_client_id: null,
    auth_client_secret_encrypted: null,
    auth_scope: null,
    auth_header_format: null,
    auth_header_value_format: null,
    // A preview has no group: the default payload goes without `data` (includeData), as a group
    // without that option sends it.
    publication_data: null,
    publication_external: null,
    group_deleted_at: null,
    group_enabled: true,
    include_data: false,
    headers_encrypted: null,
    jwt_secret_encrypted: null,
    previous_signing_secret_encrypted: null,
    previous_signing_secret_expires_at: null,
  };
  if (origin === null) {
    const body = defaultPayload(delivery);
    return { payload: JSON.parse(body), body, errors: [] };
  }
  try {
    const built = await runOrigin(services, documentsFor(services.schema), delivery, services.config.deliveryTimeoutMs);
    return { payload: JSON.parse(built.body), body: built.body, errors: (built.errors ?? []).map((error) => error.message) };
  } catch (error) {
    // What would be a failed (and retried) attempt at send time: unreachable origin, 5xx, a crash.
    if (error instanceof OriginUnavailableError) return { payload: null, body: null, errors: [error.message] };
    throw error;
  }
}

const PREVIEW_HOOK_PATH = "input.hooks[0]";

/**
 * Group creation's own checks (JSON body, placeholders for the hook type, allowed endpoint, the
 * query validated against the schema), run on a one-hook group holding this origin; their errors
 * are re-rooted from `input.hooks[0].origin…` to `input.origin…`.
 */
function checkOrigin(services: Services, hookType: HookType, origin: OriginInput): OriginDraft {
  try {
    const draft = parseGroupInput(services, {
      name: "preview",
      // Never called: a preview sends nothing.
      hooks: [{ type: hookType, endpoint: "https://preview.invalid/", origin }],
    });
    return draft.hooks[0]!.origin!;
  } catch (error) {
    if (error instanceof InputError && error.field.startsWith(`${PREVIEW_HOOK_PATH}.origin`)) {
      const field = `input${error.field.slice(PREVIEW_HOOK_PATH.length)}`;
      throw new InputError(field, error.message.slice(error.field.length + 2));
    }
    throw error;
  }
}

interface PreviewIds {
  eventId: string | null;
  orderId: string | null;
  eventGuideId: string | null;
  /** When the object last changed: what the built-in source's latest change would carry as `occurred_at`. */
  occurredAt: Date;
}

// Another organization's event or order is answered exactly like one that does not exist.
async function resolveIds(services: Services, organizationId: string, input: PreviewHookPayloadInput): Promise<PreviewIds> {
  const { db } = services;
  if (input.hookType.startsWith("ORDER_")) {
    const orderId = input.orderId ?? null;
    if (orderId === null) throw new InputError("input.orderId", `required for ${input.hookType} hooks`);
    const order = isUuid(orderId) ? await findOrder(db, organizationId, orderId.toLowerCase()) : undefined;
    if (!order) throw new InputError("input.orderId", `no order ${orderId.slice(0, 100)} in your organization`);
    if (input.eventId != null && input.eventId.toLowerCase() !== order.event_id) {
      throw new InputError("input.eventId", `order ${order.id} belongs to event ${order.event_id}; leave eventId out for order hooks`);
    }
    const event = await findEvent(db, organizationId, order.event_id);
    return { eventId: order.event_id, orderId: order.id, eventGuideId: event?.event_guide_id ?? null, occurredAt: order.updated_at };
  }
  if (input.orderId != null) throw new InputError("input.orderId", `${input.hookType} hooks have no order; leave orderId out`);
  const eventId = input.eventId ?? null;
  if (eventId === null) throw new InputError("input.eventId", `required for ${input.hookType} hooks`);
  const event = isUuid(eventId) ? await findEvent(db, organizationId, eventId.toLowerCase()) : undefined;
  if (!event) throw new InputError("input.eventId", `no event ${eventId.slice(0, 100)} in your organization`);
  return { eventId: event.id, orderId: null, eventGuideId: event.event_guide_id, occurredAt: event.updated_at };
}
