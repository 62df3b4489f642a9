import { isOperationalHookType } from "../../store/column-values.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";

/**
 * The payload of a hook without an origin query: what happened and the ids to look it up with,
 * in doo's snake_case with its lowercase type names (`order_created`).
 */
export type DefaultPayloadSource = Pick<
  DeliveryToSend,
  | "id" | "type" | "occurred_at" | "organization_id" | "event_id" | "order_id" | "event_guide_id"
  | "publication_data" | "publication_external" | "include_data"
>;

export function defaultPayload(delivery: DefaultPayloadSource): string {
  if (isOperationalHookType(delivery.type)) return operationalPayload(delivery);
  const isOrder = delivery.type.startsWith("ORDER_");
  const payload: Record<string, unknown> = {
    type: delivery.type.toLowerCase(),
    occurred_at: delivery.occurred_at.toISOString(),
    organization_id: delivery.organization_id,
    event_id: delivery.event_id,
  };
  if (isOrder) payload.order_id = delivery.order_id;
  if (delivery.event_guide_id) payload.event_guide_id = delivery.event_guide_id;
  payload.delivery_id = delivery.id;
  // What an external platform sent with publishEvent travels with it; the built-in source's object
  // (as it was when it changed) when the group asked for it (Duro's "include all data").
  const hasData = delivery.publication_data !== null && delivery.publication_data !== undefined;
  if (hasData && (delivery.publication_external || delivery.include_data)) payload.data = delivery.publication_data;
  return JSON.stringify(payload);
}

/**
 * An operational event's payload (docs/operational-webhooks.md): the same envelope — type,
 * occurred_at, organization_id, and this delivery's own id last — around the facts the
 * publication took when the group's state changed (src/store/operational-notices.ts): the group,
 * for DELIVERY_FAILED the delivery that failed, and the reason. Flat, so a FORM hook sends each
 * fact as a field of its own.
 */
function operationalPayload(delivery: DefaultPayloadSource): string {
  const facts = isPlainRecord(delivery.publication_data) ? delivery.publication_data : {};
  // jsonb keeps keys in its own order; the payload shows them in the documented one.
  const ordered = Object.keys(facts).sort((a, b) => factRank(a) - factRank(b));
  return JSON.stringify({
    type: delivery.type.toLowerCase(),
    occurred_at: delivery.occurred_at.toISOString(),
    organization_id: delivery.organization_id,
    ...Object.fromEntries(ordered.map((key) => [key, facts[key]])),
    delivery_id: delivery.id,
  });
}

const factOrder = [
  "group_id", "group_name", "group_scope", "group_event_id", "group_event_guide_id",
  "failed_delivery_id", "failed_delivery_type", "event_id", "order_id", "attempts", "last_response_status", "last_error",
  "failing_since", "disabled_at", "disabled_reason", "reason",
];

function factRank(key: string): number {
  const rank = factOrder.indexOf(key);
  return rank === -1 ? factOrder.length : rank;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
