import type { ColumnType, Generated } from "kysely";
import type { ApiKeyMode, DeliveryStatus, HookType } from "./column-values.js";
import type { CreatedAt, Timestamp } from "./timestamp-columns.js";

// The engine's tables: publications, their deliveries and attempts, initializations, and the
// worker's own rows (heartbeats, endpoint rate limits, the secret key check).
// Part of the Database of tables.ts, which re-exports them.

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
  /** The W3C traceparent of the span that created it (docs/tracing.md); null: tracing was off. */
  traceparent: ColumnType<string | null, string | null | undefined, string | null>;
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
