import { sql } from "kysely";
import type { Db } from "../store/database.js";
import type { HookType } from "../store/tables.js";
import { deliverTask, jobMaxAttempts } from "../store/jobs.js";

/** Something that happened in an organization, as the hooks see it. */
export interface Happening {
  organizationId: string;
  type: HookType;
  eventId: string | null;
  orderId: string | null;
  /** Absent: taken from the event, so guide-scoped groups match changes to its events and orders. */
  eventGuideId?: string | null;
  occurredAt?: Date;
  /**
   * The subject: what the publication is about, as hook conditions (and includeData) see it. The
   * built-in source passes the event or order as the API shows it (src/publish/subject.ts);
   * publishEvent passes what the external platform sent. Absent: conditions see `{}`.
   */
  data?: unknown;
  /** True when `data` came from an external platform (publishEvent); false for the built-in source. */
  external?: boolean;
  /** Set when the caller already claimed an id for the publication (idempotent publishEvent). */
  publicationId?: string;
}

export interface Publication {
  publicationId: string;
  deliveryCount: number;
}

/**
 * Records a happening and fans it out, in the caller's transaction: one delivery per enabled
 * hook of that type whose group's scope matches and whose condition (if any) the subject meets,
 * and one queue job per delivery. One statement, however many hooks match, so a change that
 * concerns a thousand hooks costs what one does; and a rolled-back change delivers nothing.
 */
export async function publish(trx: Db, happening: Happening): Promise<Publication> {
  const { organizationId, type, eventId, orderId } = happening;
  const data = happening.data === undefined || happening.data === null ? null : JSON.stringify(happening.data);
  const { rows } = await sql<{ publication_id: string; delivery_count: string }>`
    with publication as (
      insert into publications (id, organization_id, type, event_id, order_id, event_guide_id, occurred_at, data, external)
      values (
        coalesce(${happening.publicationId ?? null}::uuid, gen_random_uuid()),
        ${organizationId}, ${type}, ${eventId}, ${orderId},
        coalesce(${happening.eventGuideId ?? null}::uuid,
          (select event_guide_id from events where organization_id = ${organizationId} and id = ${eventId}::uuid)),
        coalesce(${happening.occurredAt ?? null}::timestamptz, now()),
        ${data}::jsonb, ${happening.external ?? false})
      returning *
    ), created as (
      insert into deliveries (organization_id, publication_id, webhook_group_id, hook_id, type,
                              event_id, order_id, event_guide_id, occurred_at)
      select p.organization_id, p.id, g.id, h.id, p.type, p.event_id, p.order_id, p.event_guide_id, p.occurred_at
      from publication p
      join hooks h on h.organization_id = p.organization_id and h.type = p.type
      join webhook_groups g on g.organization_id = h.organization_id and g.id = h.webhook_group_id
      where g.deleted_at is null
        and g.enabled
        and ((g.event_id is null and g.event_guide_id is null)
          or g.event_id = p.event_id
          or g.event_guide_id = p.event_guide_id)
        -- The hook's condition over the subject (migrations/0005_conditions.ts); no data: {}.
        and (h.condition is null or hookgate_condition_matches(h.condition, coalesce(p.data, '{}'::jsonb)))
      returning id
    ), queued as (
      select count(*) as count from graphile_worker.add_jobs(coalesce(
        (select array_agg(row(${deliverTask}, json_build_object('deliveryId', id, 'run', 1, 'attemptsBefore', 0),
                              null, null, ${jobMaxAttempts}, null, null, null)::graphile_worker.job_spec)
         from created),
        '{}'))
    )
    select (select id from publication) as publication_id, (select count from queued) as delivery_count
  `.execute(trx);
  const row = rows[0]!;
  return { publicationId: row.publication_id, deliveryCount: Number(row.delivery_count) };
}
