/** The values the tables' enumerated columns take (check constraints in migrations/). */

export type ApiKeyRole = "ADMIN" | "VIEWER";
/** LIVE or SANDBOX: what a key publishes reaches only the groups of its mode; a group has its creator's. */
export type ApiKeyMode = "LIVE" | "SANDBOX";
export type HookType = SourceHookType | OperationalHookType;
/** What happened to an event or an order of the source. */
export type SourceHookType =
  | "EVENT_CREATED" | "EVENT_REMOVED" | "EVENT_UPDATED"
  | "ORDER_CREATED" | "ORDER_REMOVED" | "ORDER_UPDATED" | "ORDER_CANCELLED";
/** hookgate's own events about an organization's groups (docs/operational-webhooks.md). */
export type OperationalHookType = "GROUP_DISABLED" | "DELIVERY_FAILED" | "GROUP_RECOVERED";

export const operationalHookTypes: readonly OperationalHookType[] = ["GROUP_DISABLED", "DELIVERY_FAILED", "GROUP_RECOVERED"];

export function isOperationalHookType(type: string): type is OperationalHookType {
  return (operationalHookTypes as readonly string[]).includes(type);
}
export type HttpMethod = "POST" | "PUT" | "PATCH";
/** How a hook's payload goes on the wire: as JSON, or its top-level fields form-encoded. */
export type BodyFormat = "JSON" | "FORM";
/** How a group's deliveries are signed: a shared `whsec_` secret (v1), or an Ed25519 key pair (v1a). */
export type SignatureScheme = "HMAC_SHA256" | "ED25519";
export type DeliveryStatus = "PENDING" | "RETRYING" | "SUCCEEDED" | "FAILED" | "GONE";
