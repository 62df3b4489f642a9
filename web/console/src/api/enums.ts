// hookgate's enums the pages list in pickers and filters, in the schema's order.

/** schema/webhook-group.graphql `enum HookType`. */
export const hookTypes = [
  "EVENT_CREATED",
  "EVENT_REMOVED",
  "EVENT_UPDATED",
  "ORDER_CREATED",
  "ORDER_REMOVED",
  "ORDER_UPDATED",
  "ORDER_CANCELLED",
  "GROUP_DISABLED",
  "DELIVERY_FAILED",
  "GROUP_RECOVERED",
] as const;
export type HookType = (typeof hookTypes)[number];

/** hookgate's own events about the organization's groups (docs/operational-webhooks.md): no origin, organization-wide groups only. */
export const operationalHookTypes: readonly HookType[] = ["GROUP_DISABLED", "DELIVERY_FAILED", "GROUP_RECOVERED"];
export const isOperationalHookType = (type: HookType) => operationalHookTypes.includes(type);
/** The types an origin query can be composed for: what happens to events and orders. */
export const sourceHookTypes: readonly HookType[] = hookTypes.filter((type) => !isOperationalHookType(type));

/** schema/delivery.graphql `enum DeliveryStatus`. */
export const deliveryStatuses = ["PENDING", "RETRYING", "SUCCEEDED", "FAILED", "GONE"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
