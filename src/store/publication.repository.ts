import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";
import { queueDeliverJobs } from "./jobs.js";
import type { HookType } from "./tables.js";

/** A publication as stored: what happened in an organization, and to what. */
export interface NewPublication {
  organizationId: string;
  type: HookType;
  eventId: string | null;
  orderId: string | null;
  /** Null: taken from the event, so guide-scoped groups match changes to its events and orders. */
  eventGuideId: string | null;
  /** Null: now. */
  occurredAt: Date | null;
  /** The subject as JSON text (what conditions and includeData see), or null. */
  dataJson: string | null;
  external: boolean;
  /** Null: a new id. */
  publicationId: string | null;
}

/**
 * One statement: the publication, one delivery per enabled hook of its type whose group's scope
 * matches and whose condition the subject meets, and one queue job per delivery. However many
 * hooks match, a change costs what one does; in the caller's transaction, a rolled-back change
 * delivers nothing. Prepared once per connection when run outside a transaction.
 */
export async function insertPublicationWithDeliveries(
  db: Db,
  publication: NewPublication,
): Promise<{ publicationId: string; deliveryCount: number }> {
  const published = await runPublicationStatement(db, publication, null);
  if (!published) throw new Error("an unkeyed publication was not written");
  return published;
}

/**
 * The same statement, first claiming `idempotencyKey` for the publication (its id, which must be
 * given): null when another publication holds the key, and then nothing is written. A key older
 * than 24 hours may be claimed again; a concurrent claim waits for the first to commit. Alone, the
 * statement is its own transaction: the key, the publication and its deliveries commit together.
 */
export async function insertKeyedPublicationWithDeliveries(
  db: Db,
  publication: NewPublication & { publicationId: string },
  idempotencyKey: string,
): Promise<{ publicationId: string; deliveryCount: number } | null> {
  return runPublicationStatement(db, publication, idempotencyKey);
}

async function runPublicationStatement(db: Db, publication: NewPublication, idempotencyKey: string | null) {
  const { organizationId, type, eventId, orderId } = publication;
  // One text for keyed and unkeyed publications (a null key claims nothing), so one prepared statement.
  const query = sql<{ publication_id: string | null; delivery_count: number }>`
    with claim as (
      insert into publication_keys (organization_id, idempotency_key, publication_id)
      select ${organizationId}::uuid, ${idempotencyKey}::text, ${publication.publicationId}::uuid
      where ${idempotencyKey}::text is not null
      on conflict (organization_id, idempotency_key) do update
        set publication_id = excluded.publication_id, created_at = now()
        where publication_keys.created_at < now() - interval '24 hours'
      returning publication_id
    ), publication as (
      insert into publications (id, organization_id, type, event_id, order_id, event_guide_id, occurred_at, data, external)
      select
        coalesce(${publication.publicationId}::uuid, gen_random_uuid()),
        ${organizationId}::uuid, ${type}::text, ${eventId}::uuid, ${orderId}::uuid,
        coalesce(${publication.eventGuideId}::uuid,
          (select event_guide_id from events where organization_id = ${organizationId}::uuid and id = ${eventId}::uuid)),
        coalesce(${publication.occurredAt}::timestamptz, now()),
        ${publication.dataJson}::jsonb, ${publication.external}::boolean
      where ${idempotencyKey}::text is null or exists (select 1 from claim)
      returning id, organization_id, type, event_id, order_id, event_guide_id, occurred_at, data
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
    )
    select (select id from publication) as publication_id,
           ${queueDeliverJobs(sql`created`, { deliveryId: sql`id`, round: 1, attemptsRecorded: 0 })} as delivery_count
  `.compile(db);
  const [row] = await runPrepared(db, query);
  if (!row?.publication_id) return null;
  return { publicationId: row.publication_id, deliveryCount: Number(row.delivery_count) };
}

/** The publication an idempotency key names, with how many deliveries it made. */
export async function findKeyedPublication(
  db: Db,
  organizationId: string,
  idempotencyKey: string,
): Promise<{ publicationId: string; deliveryCount: number }> {
  const { rows } = await sql<{ publication_id: string; delivery_count: string }>`
    select k.publication_id, (select count(*) from deliveries d where d.publication_id = k.publication_id) as delivery_count
    from publication_keys k
    where k.organization_id = ${organizationId} and k.idempotency_key = ${idempotencyKey}`.execute(db);
  const row = rows[0]!;
  return { publicationId: row.publication_id, deliveryCount: Number(row.delivery_count) };
}
