import { sql } from "kysely";
import type { Db } from "./database.js";
import { everyGroup, type GroupReach, withinReach } from "./group-reach.js";
import { queueDeliverJobs } from "./jobs.js";
import type { DeliveryRow, DeliveryStatus } from "./tables.js";

// Putting finished deliveries back on the queue: one by hand (redeliver), or a window's failures
// at once (recover). Each marks the deliveries RETRYING and queues their jobs in one statement.

/** The most deliveries one recover call re-queues, so one call is a bounded statement and a bounded burst. */
export const MAX_RECOVERED_PER_CALL = 10_000;

/**
 * Every FAILED delivery of a group created in [since, until), up to MAX_RECOVERED_PER_CALL,
 * re-queued with the full retry schedule, continuing its attempt numbers. Answers how many.
 */
export async function requeueFailedDeliveries(
  db: Db,
  window: { organizationId: string; groupId: string; since: Date; until: Date },
): Promise<number> {
  const { rows } = await sql<{ recovered: string }>`
    with picked as (
      select id from deliveries
      where organization_id = ${window.organizationId} and webhook_group_id = ${window.groupId}
        and status = 'FAILED' and created_at >= ${window.since}::timestamptz and created_at < ${window.until}::timestamptz
      order by created_at, id
      limit ${MAX_RECOVERED_PER_CALL}
      -- Re-checked after a wait: one recovered meanwhile by another call is no longer FAILED.
      for update
    ), updated as (
      update deliveries d
      set status = 'RETRYING', finished_at = null, next_attempt_at = now(), schedule_started_at = null
      from picked
      where d.id = picked.id and d.status = 'FAILED'
      returning d.id, d.attempt_count
    )
    select (select count(*) from updated) as recovered,
           ${queueDeliverJobs(sql`updated`, { deliveryId: sql`id`, round: 1, attemptsRecorded: sql`attempt_count` })} as queued
  `.execute(db);
  return Number(rows[0]!.recovered);
}

export interface DeliveryToRequeue {
  id: string;
  status: DeliveryStatus;
  attempt_count: number;
  finished_at: Date | null;
  group_deleted_at: Date | null;
}

/** One delivery of the organization within reach, locked for the rest of the transaction, so two redelivers queue in turn. */
export async function lockDeliveryToRequeue(
  trx: Db,
  organizationId: string,
  id: string,
  reach: GroupReach = everyGroup,
): Promise<DeliveryToRequeue | undefined> {
  return trx
    .selectFrom("deliveries as d")
    .innerJoin("webhook_groups as g", "g.id", "d.webhook_group_id")
    .select(["d.id", "d.status", "d.attempt_count", "d.finished_at", "g.deleted_at as group_deleted_at"])
    .where("d.organization_id", "=", organizationId)
    .where("d.id", "=", id)
    .where(withinReach(reach, { groupId: "d.webhook_group_id", mode: "d.mode" }))
    .forUpdate("d")
    .executeTakeFirst();
}

/**
 * A finished delivery back to RETRYING with one job for `round`, guarded by the attempt count
 * read under the lock. Answers the delivery as it is now, or undefined if it changed meanwhile.
 */
export async function requeueFinishedDelivery(
  trx: Db,
  delivery: { id: string; attemptsRecorded: number; round: number },
): Promise<DeliveryRow | undefined> {
  const { rows } = await sql<DeliveryRow & { queued: number }>`
    with updated as (
      update deliveries
      set status = 'RETRYING', finished_at = null, next_attempt_at = now(), schedule_started_at = null
      where id = ${delivery.id} and attempt_count = ${delivery.attemptsRecorded}
      returning *
    )
    select updated.*,
           ${queueDeliverJobs(sql`updated`, { deliveryId: sql`id`, round: delivery.round, attemptsRecorded: sql`attempt_count` })} as queued
    from updated`.execute(trx);
  const row = rows[0];
  if (!row) return undefined;
  const { queued: _queued, ...updated } = row;
  return updated;
}
