import { randomUUID } from "node:crypto";
import { bodyInFormat, NotFormEncodableError } from "../delivery/body-format.js";
import { InputError, NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { isOperationalHookType } from "../store/column-values.js";
import { everyGroup, type GroupReach } from "../store/group-reach.js";
import { isUuid, shownId } from "../store/ids.js";
import type { BodyFormat, DeliveryRow, HookType } from "../store/tables.js";
import { findFirstHookOfType, insertTestDelivery } from "../store/test-delivery.repository.js";
import { findWebhookGroup } from "../store/webhook-group.repository.js";
import { traceparent } from "../observability/spans.js";

/** The most a test payload may weigh as JSON text, like an origin body. */
export const MAX_TEST_PAYLOAD_BYTES = 64 * 1024;

/**
 * Dozuki's "Test Hook": a delivery of `payload` (or a sample) to the group's hook of `hookType`,
 * through the real path (token, signature, POST, retries) and logged like any other, marked as a
 * test. Its payload is stored up front, in the hook's body format, so the worker sends it exactly
 * as given (a FORM hook's payload must then be a JSON object). Works for a disabled group too: it
 * is a test, not a change.
 */
export async function sendTestDelivery(
  services: Services,
  organizationId: string,
  input: { groupId: string; hookType: HookType; payload?: unknown },
  reach: GroupReach = everyGroup,
): Promise<DeliveryRow> {
  const { db } = services;
  const { groupId, hookType } = input;
  const notFound = () => new NotFoundError(`groupId: no webhook group ${shownId(groupId)} in your organization`);
  const group = isUuid(groupId) ? await findWebhookGroup(db, organizationId, groupId.toLowerCase(), reach) : undefined;
  if (!group) throw notFound();
  const hook = await findFirstHookOfType(db, { organizationId, groupId: group.id }, hookType);
  if (!hook) throw new InputError("hookType", `webhook group ${group.id} has no ${hookType} hook`);

  const id = randomUUID();
  const occurredAt = new Date();
  const json =
    input.payload === undefined || input.payload === null
      ? samplePayload({ id, organizationId, hookType, occurredAt })
      : givenPayload(input.payload);
  const payload = inHookFormat(json, hook.body_format);

  const created = await insertTestDelivery(db, {
    id,
    organizationId,
    groupId: group.id,
    hookId: hook.id,
    type: hookType,
    occurredAt,
    payload,
    // The request's trace continues into the test's POST, as a publication's does (docs/tracing.md).
    traceparent: traceparent(),
  });
  if (!created) throw notFound();
  return created;
}

/** The JSON text of what the caller gave, as it will be sent. */
function givenPayload(payload: unknown): string {
  const text = JSON.stringify(payload);
  if (Buffer.byteLength(text, "utf8") > MAX_TEST_PAYLOAD_BYTES) throw new InputError("payload", "must be at most 64 KiB as JSON");
  return text;
}

function inHookFormat(json: string, format: BodyFormat): string {
  try {
    return bodyInFormat(json, format);
  } catch (error) {
    if (error instanceof NotFormEncodableError) throw new InputError("payload", `the ${format} hook takes a JSON object: ${error.message}`);
    throw error;
  }
}

/** The default payload's shape, marked as a test, with no event or order behind it. */
function samplePayload(delivery: { id: string; organizationId: string; hookType: HookType; occurredAt: Date }): string {
  const payload: Record<string, unknown> = {
    type: delivery.hookType.toLowerCase(),
    occurred_at: delivery.occurredAt.toISOString(),
    organization_id: delivery.organizationId,
  };
  // An operational event is about a group; a sample names none (docs/operational-webhooks.md).
  if (isOperationalHookType(delivery.hookType)) payload.group_id = null;
  else payload.event_id = null;
  if (delivery.hookType.startsWith("ORDER_")) payload.order_id = null;
  payload.delivery_id = delivery.id;
  payload.test = true;
  return JSON.stringify(payload);
}
