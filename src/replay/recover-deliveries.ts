import { InputError, NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { everyGroup, type GroupReach } from "../store/group-reach.js";
import { isUuid, shownId } from "../store/ids.js";
import { requeueFailedDeliveries } from "../store/requeue-deliveries.js";
import { findWebhookGroup } from "../store/webhook-group.repository.js";

/**
 * Svix's "recover": every FAILED delivery (not GONE: the partner said stop) of a live group
 * created in [since, until) is queued again with the full retry schedule, continuing its attempt
 * numbers, a bounded number per call (store/requeue-deliveries.ts; call again for more). Answers how many.
 */
export async function recoverDeliveries(
  services: Services,
  organizationId: string,
  input: { groupId: string; since: Date | string; until?: Date | string | null },
  reach: GroupReach = everyGroup,
): Promise<number> {
  const { groupId } = input;
  const group = isUuid(groupId) ? await findWebhookGroup(services.db, organizationId, groupId.toLowerCase(), reach) : undefined;
  if (!group) throw new NotFoundError(`groupId: no webhook group ${shownId(groupId)} in your organization`);
  const since = new Date(input.since);
  const until = input.until == null ? new Date() : new Date(input.until);
  if (Number.isNaN(since.getTime())) throw new InputError("since", "must be a date-time");
  if (Number.isNaN(until.getTime())) throw new InputError("until", "must be a date-time");
  if (since > until) {
    throw new InputError(
      input.until == null ? "since" : "until",
      `the window must not end before it starts (since ${since.toISOString()}, until ${until.toISOString()})`,
    );
  }

  return requeueFailedDeliveries(services.db, { organizationId, groupId: group.id, since, until });
}
