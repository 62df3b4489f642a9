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
] as const;
export type HookType = (typeof hookTypes)[number];

/** schema/delivery.graphql `enum DeliveryStatus`. */
export const deliveryStatuses = ["PENDING", "RETRYING", "SUCCEEDED", "FAILED", "GONE"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
