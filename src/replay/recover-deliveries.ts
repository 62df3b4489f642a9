import { sql } from "kysely";
import { InputError, NotFoundError } from "../errors.js";
import { deliverTask, jobMaxAttempts } from "../store/jobs.js";
import type { Services } from "../services.js";
import { isUuid } from "../store/ids.js";
import { findWebhookGroup } from "../store/webhook-group.repository.js";

/**
 * The most deliveries one call re-queues. A longer outage is recovered by calling again (the
 * ones already re-queued are no longer FAILED) or with narrower windows; the cap keeps one call
 * a bounded statement and a bounded burst of work for the workers.
 */
export const MAX_RECOVERED_PER_CALL = 10_000;

/**
 * Svix's "recover": every FAILED delivery (not GONE: the partner said stop) of a live group
 * created in [since, until) is queued again with the full retry schedule, continuing its attempt
 * numbers. One statement: select and lock, mark RETRYING, add their jobs. Answers how many.
 */
export async function recoverDeliveries(
  services: Services,
  organizationId: string,
  input: { groupId: string; since: Date | string; until?: Date | string | null },
): Promise<number> {
  const { groupId } = input;
  const group = isUuid(groupId) ? await findWebhookGroup(services.db, organizationId, groupId.toLowerCase()) : undefined;
  if (!group) throw new NotFoundError(`groupId: no webhook group ${groupId.slice(0, 100)} in your organization`);
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

  const { rows } = await sql<{ recovered: string; queued: string }>`
    with picked as (
      select id from deliveries
      where organization_id = ${organizationId} and webhook_group_id = ${group.id}
        and status = 'FAILED' and created_at >= ${since}::timestamptz and created_at < ${until}::timestamptz
      order by created_at, id
      limit ${MAX_RECOVERED_PER_CALL}
      -- Re-checked after a wait: one recovered meanwhile by another call is no longer FAILED.
      for update
    ), updated as (
      update deliveries d
      set status = 'RETRYING', finished_at = null, next_attempt_at = now()
      from picked
      where d.id = picked.id and d.status = 'FAILED'
      returning d.id, d.attempt_count
    ), queued as (
      select count(*) as count from graphile_worker.add_jobs(coalesce(
        (select array_agg(row(${deliverTask},
                              json_build_object('deliveryId', id, 'run', 1, 'attemptsBefore', attempt_count),
                              null, null, ${jobMaxAttempts}, null, null, null)::graphile_worker.job_spec)
         from updated),
        '{}'))
    )
    select (select count(*) from updated) as recovered, (select count from queued) as queued`.execute(services.db);
  return Number(rows[0]!.recovered);
}
