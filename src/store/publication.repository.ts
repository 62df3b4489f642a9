import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";
import { queueDeliverJobs } from "./jobs.js";
import type { ApiKeyMode, HookType } from "./tables.js";

/** A publication as stored: what happened in an organization, and to what. */
export interface NewPublication {
  /** Chosen by the caller, so each publication of a statement can be found in its answer. */
  publicationId: string;
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
  /** publishEvent's key, claimed for the publication in the same statement; null: none. */
  idempotencyKey: string | null;
  /** The publishing key's mode: only groups of this mode get deliveries. */
  mode: ApiKeyMode;
  /** The publishing span's W3C traceparent, stored on each delivery (docs/tracing.md); null: tracing off. */
  traceparent: string | null;
}

export interface PublicationOutcome {
  publicationId: string;
  /** False when another publication holds its idempotency key: nothing was written for it. */
  published: boolean;
  deliveryCount: number;
}

/**
 * How long an idempotency key holds its publication: from the moment it was claimed (a duplicate
 * call does not extend it), on the database's clock. Expired keys are deleted by retention.
 */
export const idempotencyKeyLifetimeMs = 24 * 3_600_000;
export const idempotencyKeyLifetime = sql.raw(`interval '${idempotencyKeyLifetimeMs / 3_600_000} hours'`);

/**
 * One statement for any number of publications: each one's idempotency key claimed, if it has
 * one (a key older than 24 hours may be claimed again; a concurrent claim waits for the first to
 * commit); each publication whose claim succeeded; one delivery per enabled hook of its type whose
 * group's scope matches and whose condition its subject meets; one queue job per delivery. However
 * many publications and hooks, it is one round trip. In the caller's transaction, a rolled-back
 * change delivers nothing; alone, it is its own transaction. Two publications of one statement
 * must not share an idempotency key (a statement cannot claim one row twice). The same text
 * whatever the number, so prepared once per connection when run outside a transaction.
 */
export async function insertPublicationsWithDeliveries(
  db: Db,
  publications: readonly NewPublication[],
): Promise<PublicationOutcome[]> {
  const column = <T>(value: (publication: NewPublication) => T) => publications.map(value);
  const query = sql<{ publication_id: string; published: boolean; delivery_count: number }>`
    with input as (
      select * from unnest(
        ${column((p) => p.publicationId)}::uuid[], ${column((p) => p.organizationId)}::uuid[],
        ${column((p) => p.type)}::text[], ${column((p) => p.eventId)}::uuid[], ${column((p) => p.orderId)}::uuid[],
        ${column((p) => p.eventGuideId)}::uuid[], ${column((p) => p.occurredAt)}::timestamptz[],
        ${column((p) => p.dataJson)}::jsonb[], ${column((p) => p.external)}::boolean[], ${column((p) => p.idempotencyKey)}::text[],
        ${column((p) => p.mode)}::text[], ${column((p) => p.traceparent)}::text[]
      ) as i (id, organization_id, type, event_id, order_id, event_guide_id, occurred_at, data, external, idempotency_key, mode,
              traceparent)
    ), claim as (
      insert into publication_keys (organization_id, mode, idempotency_key, publication_id)
      select organization_id, mode, idempotency_key, id from input where idempotency_key is not null
      -- One order for every statement, so two claiming the same keys wait rather than deadlock.
      order by organization_id, mode, idempotency_key
      on conflict (organization_id, mode, idempotency_key) do update
        set publication_id = excluded.publication_id, created_at = now()
        where publication_keys.created_at < now() - ${idempotencyKeyLifetime}
      returning publication_id
    ), publication as (
      insert into publications (id, organization_id, type, event_id, order_id, event_guide_id, occurred_at, data, external, mode)
      select i.id, i.organization_id, i.type, i.event_id, i.order_id,
        coalesce(i.event_guide_id,
          (select e.event_guide_id from events e where e.organization_id = i.organization_id and e.id = i.event_id)),
        coalesce(i.occurred_at, now()), i.data, i.external, i.mode
      from input i
      where i.idempotency_key is null or i.id in (select publication_id from claim)
      returning id, organization_id, type, event_id, order_id, event_guide_id, occurred_at, data, mode
    ), created as (
      insert into deliveries (organization_id, publication_id, webhook_group_id, hook_id, type,
                              event_id, order_id, event_guide_id, occurred_at, mode, traceparent)
      select p.organization_id, p.id, g.id, h.id, p.type, p.event_id, p.order_id, p.event_guide_id, p.occurred_at, g.mode, i.traceparent
      from publication p
      join input i on i.id = p.id
      join hooks h on h.organization_id = p.organization_id and h.type = p.type
      join webhook_groups g on g.organization_id = h.organization_id and g.id = h.webhook_group_id
      where g.deleted_at is null
        and g.enabled
        -- Live publications reach live groups, sandbox ones sandbox groups; never across.
        and g.mode = p.mode
        and ((g.event_id is null and g.event_guide_id is null)
          or g.event_id = p.event_id
          or g.event_guide_id = p.event_guide_id)
        -- The hook's condition over the subject (migrations/0005_conditions.ts); no data: {}.
        and (h.condition is null or hookgate_condition_matches(h.condition, coalesce(p.data, '{}'::jsonb)))
      returning id, publication_id
    ), queued as materialized (
      select ${queueDeliverJobs(sql`created`, { deliveryId: sql`id`, round: 1, attemptsRecorded: 0 })} as jobs
    )
    select i.id as publication_id, p.id is not null as published, coalesce(c.deliveries, 0) as delivery_count
    from input i
    left join publication p on p.id = i.id
    left join (select publication_id, count(*)::int as deliveries from created group by publication_id) c on c.publication_id = i.id
    cross join queued
  `.compile(db);
  const rows = await runPrepared(db, query);
  const byId = new Map(rows.map((row) => [row.publication_id, row]));
  return publications.map(({ publicationId }) => {
    const row = byId.get(publicationId)!;
    return { publicationId, published: row.published, deliveryCount: Number(row.delivery_count) };
  });
}

/**
 * The publication an idempotency key names in a mode, with how many of its deliveries are still in
 * the log — retention may have deleted some (a window under 24 hours; docs/retention.md), and
 * no column keeps the count of the first statement. Null when the key is not there any more: it
 * expired and retention deleted it after the claim that found it held.
 */
export async function findKeyedPublication(
  db: Db,
  organizationId: string,
  idempotencyKey: string,
  mode: ApiKeyMode,
): Promise<{ publicationId: string; deliveryCount: number } | null> {
  const { rows } = await sql<{ publication_id: string; delivery_count: string }>`
    select k.publication_id, (select count(*) from deliveries d where d.publication_id = k.publication_id) as delivery_count
    from publication_keys k
    where k.organization_id = ${organizationId} and k.mode = ${mode} and k.idempotency_key = ${idempotencyKey}`.execute(db);
  const row = rows[0];
  return row ? { publicationId: row.publication_id, deliveryCount: Number(row.delivery_count) } : null;
}
