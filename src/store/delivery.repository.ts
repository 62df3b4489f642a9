import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";
import { everyGroup, type GroupReach, withinReach } from "./group-reach.js";
import { fetchPage, type Page, type PageRequest } from "./pagination.js";
import type { ApiKeyMode, BodyFormat, DeliveryAttemptRow, DeliveryRow, DeliveryStatus, HookType } from "./tables.js";

/** A delivery with what sending it needs from its hook and group (secrets still encrypted). */
export interface DeliveryToSend extends DeliveryRow {
  hook_method: string;
  hook_endpoint: string;
  hook_body_format: BodyFormat;
  origin_method: string | null;
  origin_endpoint: string | null;
  origin_body: string | null;
  origin_target: "BUILT_IN" | "REMOTE" | null;
  signing_secret_encrypted: string;
  auth_endpoint: string | null;
  auth_client_id: string | null;
  auth_client_secret_encrypted: string | null;
  auth_scope: string | null;
  auth_header_format: string | null;
  auth_header_value_format: string | null;
  publication_data: unknown;
  publication_external: boolean | null;
  group_deleted_at: Date | null;
  group_enabled: boolean;
  group_failing_since: Date | null;
  group_ordered: boolean;
  group_max_requests_per_second: number | null;
  include_data: boolean;
  headers_encrypted: string | null;
  jwt_secret_encrypted: string | null;
  previous_signing_secret_encrypted: string | null;
  previous_signing_secret_expires_at: Date | null;
}

/**
 * The deliveries among `ids` with what sending them needs, in one statement: the worker loads
 * the deliveries its jobs name together rather than one query per delivery.
 */
export async function findDeliveriesToSend(db: Db, ids: readonly string[]): Promise<DeliveryToSend[]> {
  const query = db
    .selectFrom("deliveries as d")
    .innerJoin("hooks as h", "h.id", "d.hook_id")
    .innerJoin("webhook_groups as g", "g.id", "d.webhook_group_id")
    .leftJoin("publications as p", "p.id", "d.publication_id")
    .selectAll("d")
    .select([
      "h.method as hook_method",
      "h.endpoint as hook_endpoint",
      "h.body_format as hook_body_format",
      "h.origin_method",
      "h.origin_endpoint",
      "h.origin_body",
      "h.origin_target",
      "g.signing_secret_encrypted",
      "g.auth_endpoint",
      "g.auth_client_id",
      "g.auth_client_secret_encrypted",
      "g.auth_scope",
      "g.auth_header_format",
      "g.auth_header_value_format",
      "p.data as publication_data",
      "g.deleted_at as group_deleted_at",
      "g.enabled as group_enabled",
      "g.failing_since as group_failing_since",
      "g.ordered as group_ordered",
      "g.max_requests_per_second as group_max_requests_per_second",
      "p.external as publication_external",
      "g.include_data",
      "g.headers_encrypted",
      "g.jwt_secret_encrypted",
      "g.previous_signing_secret_encrypted",
      "g.previous_signing_secret_expires_at",
    ])
    // One array parameter: the same statement text, prepared once, whatever the batch's size.
    .where(sql<boolean>`d.id = any(${[...ids]}::uuid[])`)
    .compile();
  return (await runPrepared(db, query)) as DeliveryToSend[];
}

export interface DeliveryFilter {
  groupId?: string;
  status?: DeliveryStatus;
  type?: HookType;
  eventId?: string;
  orderId?: string;
  mode?: ApiKeyMode;
}

function deliveryWithinReach(reach: GroupReach) {
  return withinReach(reach, { groupId: "deliveries.webhook_group_id", mode: "deliveries.mode" });
}

export async function pageDeliveries(
  db: Db,
  organizationId: string,
  filter: DeliveryFilter,
  request: PageRequest,
  reach: GroupReach = everyGroup,
): Promise<Page<DeliveryRow>> {
  let query = db
    .selectFrom("deliveries")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where(deliveryWithinReach(reach));
  if (filter.groupId) query = query.where("webhook_group_id", "=", filter.groupId);
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.type) query = query.where("type", "=", filter.type);
  if (filter.eventId) query = query.where("event_id", "=", filter.eventId);
  if (filter.orderId) query = query.where("order_id", "=", filter.orderId);
  if (filter.mode) query = query.where("mode", "=", filter.mode);
  return fetchPage(query, request);
}

export async function findDelivery(
  db: Db,
  organizationId: string,
  id: string,
  reach: GroupReach = everyGroup,
): Promise<DeliveryRow | undefined> {
  return db
    .selectFrom("deliveries")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where(deliveryWithinReach(reach))
    .executeTakeFirst();
}

/** The `last` most recent attempts of a delivery, oldest first. */
export async function listAttempts(db: Db, deliveryId: string, last: number): Promise<DeliveryAttemptRow[]> {
  const newestFirst = await db
    .selectFrom("delivery_attempts")
    .selectAll()
    .where("delivery_id", "=", deliveryId)
    .orderBy("number", "desc")
    .limit(last)
    .execute();
  return newestFirst.reverse();
}
