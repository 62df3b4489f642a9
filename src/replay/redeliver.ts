import { InputError, NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { everyGroup, type GroupReach } from "../store/group-reach.js";
import { isUuid, shownId } from "../store/ids.js";
import { lockDeliveryToRequeue, requeueFinishedDelivery } from "../store/requeue-deliveries.js";
import type { DeliveryRow } from "../store/tables.js";

/**
 * Dozuki's "retrigger": one new attempt now, with the stored payload and the same webhook-id
 * (the delivery's id). The round is past the retry schedule, so that attempt is the last: if it
 * fails the delivery is FAILED again. A delivery whose payload was never built (its origin
 * failed) is built afresh by that attempt.
 *
 * Only finished deliveries (SUCCEEDED, FAILED, GONE) are redelivered: one still in progress has
 * a job queued already, and a second one racing it could cut its remaining retries short.
 */
export async function redeliver(
  services: Services,
  organizationId: string,
  deliveryId: string,
  reach: GroupReach = everyGroup,
): Promise<DeliveryRow> {
  const notFound = () => new NotFoundError(`deliveryId: no delivery ${shownId(deliveryId)} in your organization`);
  if (!isUuid(deliveryId)) throw notFound();
  return services.db.transaction().execute(async (trx) => {
    const found = await lockDeliveryToRequeue(trx, organizationId, deliveryId.toLowerCase(), reach);
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
    const requeued = await requeueFinishedDelivery(trx, {
      id: found.id,
      attemptsRecorded: found.attempt_count,
      // Past the schedule's end: this attempt is the last one.
      round: services.config.retrySchedule.length + 1,
    });
    if (!requeued) throw new Error(`redeliver: delivery ${found.id} changed under its lock`);
    return requeued;
  });
}
