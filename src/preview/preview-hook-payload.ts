import { randomUUID } from "node:crypto";
import { bodyInFormat, NotFormEncodableError } from "../delivery/body-format.js";
import { defaultPayload } from "../delivery/steps/default-payload.js";
import { InputError } from "../errors.js";
import type { BuiltInSchema } from "../origin/built-in-schema.js";
import { createOriginDocumentCache, type OriginDocumentCache } from "../origin/origin-document.js";
import { originCall, OriginUnavailableError, runOrigin, type OriginRunner } from "../origin/run-origin.js";
import type { Services } from "../services.js";
import { isOperationalHookType } from "../store/column-values.js";
import { findEvent } from "../store/event.repository.js";
import { isUuid, shownId } from "../store/ids.js";
import { findOrder } from "../store/order.repository.js";
import type { BodyFormat, HookType } from "../store/tables.js";
import { parseGroupInput } from "../webhook-groups/create-webhook-group.js";
import type { OriginDraft, OriginInput } from "../webhook-groups/input/webhook-group-input.js";

export interface PreviewHookPayloadInput {
  hookType: HookType;
  origin?: OriginInput | null;
  eventId?: string | null;
  orderId?: string | null;
  /** FORM: `body` is the form-encoded body a FORM hook would send. */
  bodyFormat?: BodyFormat | null;
}

export interface PreviewHookPayloadResult {
  /** The body parsed; null when no payload could be built. */
  payload: unknown;
  /** The exact bytes a delivery would send, in the body format asked for; null when no payload could be built. */
  body: string | null;
  /** The origin's GraphQL errors (the payload is still sent), or why no payload could be built. */
  errors: string[];
}

/** Parsed, validated origin documents for previews, one cache per schema (the worker keeps its own). */
const documentCaches = new WeakMap<BuiltInSchema, OriginDocumentCache>();

function originRunnerOf(services: Services): OriginRunner {
  let documents = documentCaches.get(services.builtInSchema);
  if (!documents) {
    documents = createOriginDocumentCache(services.builtInSchema);
    documentCaches.set(services.builtInSchema, documents);
  }
  const { builtInSchema, outbound, config } = services;
  return { builtInSchema, documents, outbound, timeoutMs: config.deliveryTimeoutMs, builtInTimeoutMs: config.originTimeoutMs };
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
  if (isOperationalHookType(input.hookType)) {
    throw new InputError("input.hookType", `${input.hookType} payloads are hookgate's own, about a group (docs/operational-webhooks.md); sendTestDelivery sends a sample`);
  }
  const format = checkBodyFormat(input.bodyFormat);
  const origin = input.origin == null ? null : checkOrigin(services, input.hookType, input.origin);
  const ids = await resolveIds(services, organizationId, input);
  if (origin === null) {
    const body = defaultPayload({
      // A preview has no delivery yet: the real `delivery_id` of a default payload (the webhook-id) differs at send time.
      id: randomUUID(),
      type: input.hookType,
      occurred_at: ids.occurredAt,
      organization_id: organizationId,
      event_id: ids.eventId,
      order_id: ids.orderId,
      event_guide_id: ids.eventGuideId,
      // A preview has no group: the payload goes without `data` (includeData), as a group without
      // that option sends it.
      publication_data: null,
      publication_external: null,
      include_data: false,
    });
    return inFormat({ payload: JSON.parse(body), body, errors: [] }, format);
  }
  try {
    const call = originCall(origin, { organizationId, eventId: ids.eventId, orderId: ids.orderId, eventGuideId: ids.eventGuideId });
    const built = await runOrigin(originRunnerOf(services), call);
    const errors = (built.errors ?? []).map((error) => error.message);
    return inFormat({ payload: JSON.parse(built.body), body: built.body, errors }, format);
  } catch (error) {
    // What would be a failed (and retried) attempt at send time: unreachable origin, 5xx, a crash.
    if (error instanceof OriginUnavailableError) return { payload: null, body: null, errors: [error.message] };
    throw error;
  }
}

/** The JSON-built preview with its body in `format`; a payload FORM cannot encode is a reason, as at send time. */
function inFormat(result: PreviewHookPayloadResult & { body: string }, format: BodyFormat): PreviewHookPayloadResult {
  try {
    return { ...result, body: bodyInFormat(result.body, format) };
  } catch (error) {
    if (error instanceof NotFormEncodableError) return { ...result, body: null, errors: [...result.errors, error.message] };
    throw error;
  }
}

function checkBodyFormat(value: unknown): BodyFormat {
  if (value === null || value === undefined) return "JSON";
  if (value === "JSON" || value === "FORM") return value;
  throw new InputError("input.bodyFormat", "must be one of JSON, FORM");
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
    if (!order) throw new InputError("input.orderId", `no order ${shownId(orderId)} in your organization`);
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
  if (!event) throw new InputError("input.eventId", `no event ${shownId(eventId)} in your organization`);
  return { eventId: event.id, orderId: null, eventGuideId: event.event_guide_id, occurredAt: event.updated_at };
}
