import { sql } from "kysely";
import { InputError, NotFoundError } from "../errors.js";
import { deliverTask, type DeliverJob, jobMaxAttempts } from "../store/jobs.js";
import type { Services } from "../services.js";
import { isUuid } from "../store/ids.js";
import type { DeliveryRow } from "../store/tables.js";

/**
 * Dozuki's "retrigger": one new attempt now, with the stored payload and the same webhook-id
 * (the delivery's id). The job's run is past the retry schedule, so that attempt is the last:
 * if it fails the delivery is FAILED again. A delivery whose payload was never built (its origin
 * failed) is built afresh by that attempt.
 *
 * Only finished deliveries (SUCCEEDED, FAILED, GONE) are redelivered: one still in progress has
 * a job queued already, and a second one racing it could cut its remaining retries short.
 */
export async function redeliver(services: Services, organizationId: string, deliveryId: string): Promise<DeliveryRow> {
  const notFound = () => new NotFoundError(`deliveryId: no delivery ${deliveryId.slice(0, 100)} in your organization`);
  if (!isUuid(deliveryId)) throw notFound();
  const id = deliveryId.toLowerCase();
  return services.db.transaction().execute(async (trx) => {
    // Locked, so two redelivers of one delivery queue one attempt each, in turn, never a lost update.
    const found = await trx
      .selectFrom("deliveries as d")
      .innerJoin("webhook_groups as g", "g.id", "d.webhook_group_id")
      .select(["d.id", "d.status", "d.attempt_count", "d.finished_at", "g.deleted_at as group_deleted_at"])
      .where("d.organization_id", "=", organizationId)
      .where("d.id", "=", id)
      .forUpdate("d")
      .executeTakeFirst();
    if (!found) throw notFound();
    if (found.group_deleted_at !== null) {
      throw new InputError("deliveryId", "the webhook group of this delivery was deleted; nothing is sent for it any more");
    }
    if (found.finished_at === null) {
      throw new InputError(
        "deliveryId",
        `the delivery is still in progress (${found.status}); redeliver it once it has succeeded or failed`,
      );
    }
    const job: DeliverJob = {
      deliveryId: found.id,
      // Past the schedule's end: this attempt is the last one.
      run: services.config.retrySchedule.length + 1,
      attemptsBefore: found.attempt_count,
    };
    const { rows } = await sql<DeliveryRow & { queued: string }>`
      with updated as (
        update deliveries
        set status = 'RETRYING', finished_at = null, next_attempt_at = now()
        where id = ${found.id} and attempt_count = ${found.attempt_count}
        returning *
      ), queued as (
        select graphile_worker.add_job(${deliverTask}, ${JSON.stringify(job)}::json, max_attempts => ${jobMaxAttempts})
        from updated
      )
      select updated.*, (select count(*) from queued) as queued from updated`.execute(trx);
    const row = rows[0];
    if (!row) throw new Error(`redeliver: delivery ${found.id} changed under its lock`);
    const { queued: _queued, ...delivery } = row;
    return delivery;
  });
}
