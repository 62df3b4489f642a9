import type { ColumnType, Generated, Selectable } from "kysely";
import type { ApiKeyMode, ApiKeyRole, BodyFormat, HookType, HttpMethod, SignatureScheme } from "./column-values.js";
import type {
  DeliveryAttemptTable,
  DeliveryTable,
  EndpointRateLimitTable,
  InitializationTable,
  PublicationKeyTable,
  PublicationTable,
  SecretKeyCheckTable,
  WorkerHeartbeatTable,
} from "./delivery-tables.js";
import type { CreatedAt, Timestamp } from "./timestamp-columns.js";

export type * from "./column-values.js";
export type * from "./delivery-tables.js";

/** The database as kysely sees it. Mirrors migrations/; one interface per table. */
export interface Database {
  organizations: OrganizationTable;
  api_keys: ApiKeyTable;
  event_guides: EventGuideTable;
  events: EventTable;
  orders: OrderTable;
  webhook_groups: WebhookGroupTable;
  hooks: HookTable;
  publications: PublicationTable;
  publication_keys: PublicationKeyTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  worker_heartbeats: WorkerHeartbeatTable;
  secret_key_check: SecretKeyCheckTable;
  endpoint_rate_limits: EndpointRateLimitTable;
  initializations: InitializationTable;
  api_key_groups: ApiKeyGroupTable;
}

export interface OrganizationTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface ApiKeyTable {
  id: Generated<string>;
  organization_id: string;
  role: ApiKeyRole;
  key_hash: Buffer;
  key_prefix: string;
  mode: ApiKeyMode;
  /** Limited to the groups it names in api_key_groups (none left: it reaches no group). */
  limited_to_groups: Generated<boolean>;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A group a limited API key may see and act on. */
export interface ApiKeyGroupTable {
  organization_id: string;
  api_key_id: string;
  webhook_group_id: string;
}

export interface EventGuideTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  created_at: CreatedAt;
}

export interface EventTable {
  id: Generated<string>;
  organization_id: string;
  event_guide_id: string | null;
  title: string;
  description: string | null;
  start_date: Date;
  end_date: Date;
  created_at: CreatedAt;
  updated_at: Timestamp;
  removed_at: Date | null;
}

export interface OrderTable {
  id: Generated<string>;
  organization_id: string;
  event_id: string;
  hash: string;
  /** numeric: pg returns it as a string to keep every digit. */
  total: ColumnType<string, string | number, string | number>;
  currency: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  cancelled_at: Date | null;
  removed_at: Date | null;
}

export interface WebhookGroupTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  description: string | null;
  event_id: string | null;
  event_guide_id: string | null;
  enabled: Generated<boolean>;
  signing_secret_encrypted: string;
  auth_grant_type: "CLIENT_CREDENTIALS" | null;
  auth_endpoint: string | null;
  auth_client_id: string | null;
  auth_client_secret_encrypted: string | null;
  auth_scope: string | null;
  auth_header_format: string | null;
  auth_header_value_format: string | null;
  created_at: CreatedAt;
  deleted_at: Date | null;
  include_data: Generated<boolean>;
  header_names: ColumnType<string[], string[] | undefined, string[]>;
  headers_encrypted: string | null;
  jwt_secret_encrypted: string | null;
  previous_signing_secret_encrypted: string | null;
  previous_signing_secret_expires_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing_since: Date | null;
  /** Deliveries reach each endpoint one at a time, in publication order. */
  ordered: Generated<boolean>;
  /** 1–10,000 requests per second to any one endpoint of the group; null: no limit. */
  max_requests_per_second: number | null;
  signature: ColumnType<SignatureScheme, SignatureScheme | undefined, never>;
  /** `whpk_…` for ED25519 groups (changes on rotation); null for HMAC_SHA256 groups. */
  signing_public_key: string | null;
  /** The mode of the key that created it (a replacement keeps the replaced group's); never changes. */
  mode: ApiKeyMode;
  /** Disabled by hookgate for failing too long (not by hand): switching it on again is announced (GROUP_RECOVERED). */
  auto_disabled: Generated<boolean>;
}

export interface HookTable {
  id: Generated<string>;
  webhook_group_id: string;
  organization_id: string;
  position: number;
  type: HookType;
  method: HttpMethod;
  endpoint: string;
  origin_method: HttpMethod | null;
  origin_endpoint: string | null;
  origin_body: string | null;
  origin_target: "BUILT_IN" | "REMOTE" | null;
  condition: ColumnType<unknown, string | null, string | null>;
  body_format: ColumnType<BodyFormat, BodyFormat | undefined, never>;
}

export type OrganizationRow = Selectable<OrganizationTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type EventGuideRow = Selectable<EventGuideTable>;
export type EventRow = Selectable<EventTable>;
export type OrderRow = Selectable<OrderTable>;
export type WebhookGroupRow = Selectable<WebhookGroupTable>;
export type HookRow = Selectable<HookTable>;
export type PublicationRow = Selectable<PublicationTable>;
export type DeliveryRow = Selectable<DeliveryTable>;
export type DeliveryAttemptRow = Selectable<DeliveryAttemptTable>;
export type InitializationRow = Selectable<InitializationTable>;
