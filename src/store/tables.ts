import type { ColumnType, Generated, Selectable } from "kysely";

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

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Timestamp = ColumnType<Date, Date | undefined, Date>;

export type ApiKeyRole = "ADMIN" | "VIEWER";
/** LIVE or SANDBOX: what a key publishes reaches only the groups of its mode; a group has its creator's. */
export type ApiKeyMode = "LIVE" | "SANDBOX";
export type HookType =
  | "EVENT_CREATED" | "EVENT_REMOVED" | "EVENT_UPDATED"
  | "ORDER_CREATED" | "ORDER_REMOVED" | "ORDER_UPDATED" | "ORDER_CANCELLED";
export type HttpMethod = "POST" | "PUT" | "PATCH";
/** How a hook's payload goes on the wire: as JSON, or its top-level fields form-encoded. */
export type BodyFormat = "JSON" | "FORM";
/** How a group's deliveries are signed: a shared `whsec_` secret (v1), or an Ed25519 key pair (v1a). */
export type SignatureScheme = "HMAC_SHA256" | "ED25519";

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

export type DeliveryStatus = "PENDING" | "RETRYING" | "SUCCEEDED" | "FAILED" | "GONE";

export interface PublicationTable {
  id: Generated<string>;
  organization_id: string;
  type: HookType;
  event_id: string | null;
  order_id: string | null;
  event_guide_id: string | null;
  occurred_at: Date;
  data: ColumnType<unknown, string | null, string | null>;
  external: Generated<boolean>;
  /** The publishing key's mode: only groups of this mode get deliveries. */
  mode: ApiKeyMode;
  created_at: CreatedAt;
}

export interface PublicationKeyTable {
  organization_id: string;
  idempotency_key: string;
  publication_id: string;
  /** Keys are claimed per mode: a sandbox publication never holds a live one's key. */
  mode: ApiKeyMode;
  created_at: Timestamp;
}

export interface DeliveryTable {
  id: Generated<string>;
  organization_id: string;
  publication_id: string | null;
  webhook_group_id: string;
  hook_id: string;
  type: HookType;
  event_id: string | null;
  order_id: string | null;
  event_guide_id: string | null;
  occurred_at: Date;
  is_test: Generated<boolean>;
  status: Generated<DeliveryStatus>;
  attempt_count: Generated<number>;
  next_attempt_at: Date | null;
  payload: string | null;
  payload_errors: ColumnType<unknown, string | null, string | null>;
  created_at: CreatedAt;
  finished_at: Date | null;
  /** Creation order, for ordered groups (publication order on each endpoint). */
  lane_seq: Generated<string>;
  /** When this run of the retry schedule began (first attempt; reset by redeliver and recover); null before it. */
  schedule_started_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The initialization (backfill) that queued it; null for a publication's or a test's. */
  initialization_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Its group's mode; SANDBOX deliveries carry `webhook-mode: sandbox`. */
  mode: ApiKeyMode;
}

export interface DeliveryAttemptTable {
  id: Generated<string>;
  delivery_id: string;
  number: number;
  started_at: Date;
  duration_ms: number;
  request_method: string;
  request_url: string;
  request_headers: ColumnType<Record<string, string>, string, string>;
  response_status: number | null;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  response_body: string | null;
  response_body_truncated: Generated<boolean>;
  error: string | null;
  note: string | null;
}

export interface WorkerHeartbeatTable {
  id: string;
  graphile_worker_ids: ColumnType<string[], string[] | undefined, string[]>;
  started_at: CreatedAt;
  last_seen_at: Timestamp;
}

export interface SecretKeyCheckTable {
  singleton: Generated<boolean>;
  encrypted: string;
  created_at: CreatedAt;
}

/** A rate-limited endpoint of a group: the earliest time its next request may be sent. */
export interface EndpointRateLimitTable {
  webhook_group_id: string;
  endpoint: string;
  next_free_at: Date;
}

/** doo's initialization of a group: what to re-push, its pace, and how far it has queued. */
export interface InitializationTable {
  id: Generated<string>;
  organization_id: string;
  webhook_group_id: string;
  types: HookType[];
  event_id: string | null;
  since: Date | null;
  until: Date;
  per_second: number;
  queued: number;
  phase: Generated<number>;
  /** bigint: pg returns it as a string. */
  cursor_micros: string | null;
  cursor_id: string | null;
  batches: Generated<number>;
  next_send_at: Generated<Date>;
  created_at: CreatedAt;
  all_queued_at: Date | null;
  stopped_reason: string | null;
  finished_at: Date | null;
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
