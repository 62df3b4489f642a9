import { sql } from "kysely";
import type { Db } from "./database.js";
import { idempotencyKeyLifetime, idempotencyKeyLifetimeMs } from "./publication.repository.js";

// Retention's deletions (docs/retention.md), one statement per batch. Each finds its rows through
// an index (migrations/0013_retention_indexes.ts), oldest first, at most `limit` of them, and
// skips a row another transaction holds (a redeliver re-opening that delivery, a key being
// claimed again): it is looked at again by a later batch, with what that transaction left.

/** A cutoff on the database's clock, the one every timestamp here was written with. */
const olderThan = (retentionMs: number) => sql`now() - ${retentionMs} * interval '1 millisecond'`;

export interface DeliveriesBatch {
  deliveries: number;
  attempts: number;
  /** False when no old finished delivery was left past this batch: the next would find nothing. */
  more: boolean;
}

/**
 * Deliveries that finished (SUCCEEDED, FAILED, GONE) before the window, with their attempts, in
 * one statement. A delivery not finished — PENDING, RETRYING, however old — is never touched: it
 * has no finished_at. A redelivered one counts from its new end.
 *
 * At most `limit` deliveries and at most `limit` attempts: of the oldest `limit` finished ones,
 * as many as fit while their attempt_count adds up to `limit` — but always the first, so one
 * delivery with more attempts than that goes alone, with all of them. A delivery is deleted whole
 * or not at all: never an old delivery left with part of its attempts (a redeliver could re-open
 * it). attempt_count is written with the attempts, in one statement (record-rounds.ts).
 */
export async function deleteFinishedDeliveriesBatch(db: Db, retentionMs: number, limit: number): Promise<DeliveriesBatch> {
  const cutoff = olderThan(retentionMs);
  const { rows } = await sql<{ deliveries: number; attempts: number; looked_at: number; fitting: number }>`
    with candidates as materialized (
      select id, finished_at, attempt_count from deliveries
      where finished_at < ${cutoff}
      order by finished_at, id
      limit ${limit}
    ), fitting as materialized (
      select id from (
        select id, sum(attempt_count) over (order by finished_at, id) as attempts_so_far,
               row_number() over (order by finished_at, id) as n
        from candidates
      ) c
      where attempts_so_far <= ${limit} or n = 1
    ), doomed as materialized (
      -- Locked only now, and only what goes; finished_at is checked again on the locked row.
      select id from deliveries
      where id in (select id from fitting) and finished_at < ${cutoff}
      for update skip locked
    ), attempts as (
      delete from delivery_attempts where delivery_id in (select id from doomed) returning 1
    ), gone as (
      delete from deliveries where id in (select id from doomed) returning 1
    )
    select (select count(*) from gone)::int as deliveries, (select count(*) from attempts)::int as attempts,
      (select count(*) from candidates)::int as looked_at, (select count(*) from fitting)::int as fitting`.execute(db);
  const row = rows[0]!;
  // More is left when the oldest `limit` did not all fit, or there were `limit` of them. A batch
  // that deleted nothing (all it picked held by others) says none, so no caller spins on them.
  const more = row.deliveries > 0 && (row.fitting < row.looked_at || row.looked_at === limit);
  return { deliveries: row.deliveries, attempts: row.attempts, more };
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

/** Where a walk over old publications stands: the last one looked at, by (created_at, id). */
export interface PublicationCursor {
  /** created_at as ISO 8601 text in UTC, to the microsecond (a JS Date would lose them). */
  readonly createdAt: string;
  readonly id: string;
}

export interface PublicationBatch {
  publications: number;
  /** Where the next batch starts; null: every old publication has been looked at. */
  next: PublicationCursor | null;
}

/**
 * Publications older than the window that nothing names any more: no delivery left (theirs go
 * first, once finished and old) and no idempotency key holding them. The window is at least a
 * key's 24 hours: a shorter one would have every batch step over a day of keyed publications it
 * must keep. A publication only gains deliveries in the statement that creates it, so none can
 * appear once it is this old.
 *
 * A batch looks at the next `limit` old publications after `after` (oldest first, through
 * publications_created; ties of one statement's created_at ordered by id), probes only those for
 * deliveries and keys, and deletes the ones nothing names. The ones kept (a delivery that finished
 * late, one still under way) are stepped over by the cursor, not walked again by every batch: a
 * batch's cost is bounded by `limit`, however many old publications must stay.
 */
export async function deletePublicationsBatch(
  db: Db,
  retentionMs: number,
  limit: number,
  after: PublicationCursor | null,
): Promise<PublicationBatch> {
  const cutoff = olderThan(Math.max(retentionMs, idempotencyKeyLifetimeMs));
  // The leading created_at >= lets the single-column index start at the cursor.
  const from = after === null ? sql`` : sql`
        and created_at >= ${after.createdAt}::timestamptz
        and (created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
  const { rows } = await sql<{ publications: number; looked_at: number; last_created_at: string | null; last_id: string | null }>`
    with candidates as materialized (
      select id, created_at from publications
      where created_at < ${cutoff} ${from}
      order by created_at, id
      limit ${limit}
    ), doomed as materialized (
      select p.id from publications p
      where p.id in (select id from candidates)
        and not exists (select 1 from deliveries d where d.publication_id = p.id)
        and not exists (select 1 from publication_keys k where k.publication_id = p.id)
      for update of p skip locked
    ), gone as (
      delete from publications where id in (select id from doomed) returning 1
    ), last as (
      select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at_text, id from candidates order by created_at desc, id desc limit 1
    )
    select (select count(*) from gone)::int as publications, (select count(*) from candidates)::int as looked_at,
      (select created_at_text from last) as last_created_at, (select id from last) as last_id`.execute(db);
  const row = rows[0]!;
  const next = row.looked_at < limit || row.last_id === null ? null : { createdAt: row.last_created_at!, id: row.last_id };
  return { publications: row.publications, next };
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
