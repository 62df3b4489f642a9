import { sql } from "kysely";
import type { Db } from "./database.js";
import { idempotencyKeyLifetime, idempotencyKeyLifetimeMs } from "./publication.repository.js";

// Retention's deletions (docs/retention.md), one statement per batch. Each finds its rows through
// an index (migrations/0013_retention_indexes.ts), oldest first, at most `limit` of them, and
// skips a row another transaction holds (a redeliver re-opening that delivery, a key being
// claimed again): it is looked at again by a later batch, with what that transaction left.

/** A cutoff on the database's clock, the one every timestamp here was written with. */
const olderThan = (retentionMs: number) => sql`now() - ${retentionMs} * interval '1 millisecond'`;

/**
 * Deliveries that finished (SUCCEEDED, FAILED, GONE) before the window, with their attempts, in
 * one statement. A delivery not finished — PENDING, RETRYING, however old — is never touched: it
 * has no finished_at. A redelivered one counts from its new end.
 */
export async function deleteFinishedDeliveries(db: Db, retentionMs: number, limit: number): Promise<{ deliveries: number; attempts: number }> {
  const { rows } = await sql<{ deliveries: number; attempts: number }>`
    with doomed as materialized (
      select id from deliveries
      where finished_at < ${olderThan(retentionMs)}
      order by finished_at
      limit ${limit}
      for update skip locked
    ), attempts as (
      delete from delivery_attempts where delivery_id in (select id from doomed) returning 1
    ), gone as (
      delete from deliveries where id in (select id from doomed) returning 1
    )
    select (select count(*) from gone)::int as deliveries, (select count(*) from attempts)::int as attempts`.execute(db);
  return rows[0]!;
}

/**
 * Idempotency keys whose 24 hours are over. Such a key no longer holds anything back (a new
 * publication claims it again), so deleting it changes no answer; it only stops the table growing.
 */
export async function deleteExpiredIdempotencyKeys(db: Db, limit: number): Promise<number> {
  const { rows } = await sql<{ keys: number }>`
    with doomed as materialized (
      select organization_id, mode, idempotency_key from publication_keys
      where created_at < now() - ${idempotencyKeyLifetime}
      order by created_at
      limit ${limit}
      for update skip locked
    ), gone as (
      delete from publication_keys k using doomed
      where (k.organization_id, k.mode, k.idempotency_key) = (doomed.organization_id, doomed.mode, doomed.idempotency_key)
      returning 1
    )
    select count(*)::int as keys from gone`.execute(db);
  return rows[0]!.keys;
}

/**
 * Publications older than the window that nothing names any more: no delivery left (theirs go
 * first, once finished and old) and no idempotency key holding them. The window is at least a
 * key's 24 hours: a shorter one would have every batch step over a day of keyed publications it
 * must keep. A publication only gains deliveries in the statement that creates it, so none can
 * appear once it is this old.
 */
export async function deleteOldPublications(db: Db, retentionMs: number, limit: number): Promise<number> {
  const { rows } = await sql<{ publications: number }>`
    with doomed as materialized (
      select p.id from publications p
      where p.created_at < ${olderThan(Math.max(retentionMs, idempotencyKeyLifetimeMs))}
        and not exists (select 1 from deliveries d where d.publication_id = p.id)
        and not exists (select 1 from publication_keys k where k.publication_id = p.id)
      order by p.created_at
      limit ${limit}
      for update of p skip locked
    ), gone as (
      delete from publications where id in (select id from doomed) returning 1
    )
    select count(*)::int as publications from gone`.execute(db);
  return rows[0]!.publications;
}

/**
 * Initializations (backfills) that finished queuing before the window and whose deliveries are
 * all gone: their progress is counted from those deliveries, so once none is left the record
 * would only say zero. One still queuing, or with a delivery left, stays. Few rows: one per backfill.
 */
export async function deleteOldInitializations(db: Db, retentionMs: number, limit: number): Promise<number> {
  const { rows } = await sql<{ initializations: number }>`
    with doomed as materialized (
      select i.id from initializations i
      where i.all_queued_at < ${olderThan(retentionMs)}
        and not exists (select 1 from deliveries d where d.initialization_id = i.id)
      order by i.all_queued_at
      limit ${limit}
      for update of i skip locked
    ), gone as (
      delete from initializations where id in (select id from doomed) returning 1
    )
    select count(*)::int as initializations from gone`.execute(db);
  return rows[0]!.initializations;
}
