import { sql } from "kysely";
import type { Db } from "./database.js";
import { queueDeliverJobs } from "./jobs.js";
import type { BodyFormat, DeliveryRow, HookType } from "./tables.js";

/** The first hook of `type` in a group (by its position), for a test delivery. */
export async function findFirstHookOfType(
  db: Db,
  group: { organizationId: string; groupId: string },
  type: HookType,
): Promise<{ id: string; body_format: BodyFormat } | undefined> {
  return db
    .selectFrom("hooks")
    .select(["id", "body_format"])
    .where("organization_id", "=", group.organizationId)
    .where("webhook_group_id", "=", group.groupId)
    .where("type", "=", type)
    .orderBy("position")
    .executeTakeFirst();
}

/**
 * A test delivery with its payload stored up front, and its job, in one statement: both commit or
 * neither does. The group is checked again, so one deleted in between is not sent to (undefined).
 */
export async function insertTestDelivery(
  db: Db,
  delivery: {
    id: string;
    organizationId: string;
    groupId: string;
    hookId: string;
    type: HookType;
    occurredAt: Date;
    payload: string;
    /** The requesting span's W3C traceparent (docs/tracing.md); null: tracing off. */
    traceparent: string | null;
  },
): Promise<DeliveryRow | undefined> {
  const { rows } = await sql<DeliveryRow & { queued: number }>`
    with created as (
      insert into deliveries (id, organization_id, publication_id, webhook_group_id, hook_id, type,
                              event_id, order_id, event_guide_id, occurred_at, is_test, payload, mode, traceparent)
      select ${delivery.id}::uuid, g.organization_id, null, g.id, ${delivery.hookId}::uuid, ${delivery.type},
             null, null, null, ${delivery.occurredAt}::timestamptz, true, ${delivery.payload}, g.mode, ${delivery.traceparent}
      from webhook_groups g
      where g.organization_id = ${delivery.organizationId} and g.id = ${delivery.groupId} and g.deleted_at is null
      returning *
    )
    select created.*, ${queueDeliverJobs(sql`created`, { deliveryId: sql`id`, round: 1, attemptsRecorded: 0 })} as queued
    from created`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { queued: _queued, ...created } = row;
  return created;
}
