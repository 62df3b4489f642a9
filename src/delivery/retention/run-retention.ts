import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../../store/database.js";
import {
  deleteExpiredIdempotencyKeys,
  deleteFinishedDeliveriesBatch,
  deleteOldInitializations,
  deletePublicationsBatch,
  type PublicationCursor,
} from "../../store/retention.js";

export interface RetentionOptions {
  /** HOOKGATE_RETENTION; null (off): nothing is deleted. */
  readonly retentionMs: number | null;
  /** Rows one statement deletes at most (deliveries: with their attempts). */
  readonly batchSize?: number;
  /** Least pause between two batches; a batch that took longer is followed by as long a pause. */
  readonly pauseMs?: number;
  /** Stops between batches: the worker is stopping. What is left waits for the next run. */
  readonly signal?: AbortSignal;
  /**
   * A run stops after this long (default 50 min) and the next hourly run carries on: graphile-worker
   * hands a job locked for 4 hours to another worker even while it still runs, so a run that long
   * (the first after an upgrade, with months to delete) would get a second one beside it.
   */
  readonly maxRunMs?: number;
  /** Told how long each statement took (for the log and the tests). */
  readonly onBatch?: (batch: { table: string; rows: number; ms: number }) => void;
}

export interface RetentionRun {
  deliveries: number;
  attempts: number;
  idempotencyKeys: number;
  publications: number;
  initializations: number;
  batches: number;
  /** The longest single statement, in milliseconds. */
  longestBatchMs: number;
  /** True when the run stopped early: the worker was stopping, or the run reached maxRunMs. */
  interrupted: boolean;
}

export const defaultRetentionBatchSize = 1_000;
export const defaultRetentionPauseMs = 50;
export const defaultRetentionMaxRunMs = 50 * 60_000;

/**
 * One run of retention: deletes, oldest first, what is older than the window (docs/retention.md)
 * — finished deliveries with their attempts, then expired idempotency keys, then the publications
 * and initializations nothing names any more — a batch per statement, each its own short
 * transaction, with a pause between them, until nothing old is left or the worker stops. Deliveries
 * keep flowing meanwhile: a batch locks only the rows it deletes (ones already held are skipped),
 * and the pause gives the database back at least as much time as the batch took.
 */
export async function runRetention(db: Db, options: RetentionOptions): Promise<RetentionRun> {
  const run: RetentionRun = {
    deliveries: 0, attempts: 0, idempotencyKeys: 0, publications: 0, initializations: 0,
    batches: 0, longestBatchMs: 0, interrupted: false,
  };
  const { retentionMs, signal } = options;
  if (retentionMs === null) return run;
  const limit = options.batchSize ?? defaultRetentionBatchSize;
  const pauseMs = options.pauseMs ?? defaultRetentionPauseMs;
  const stopAt = performance.now() + (options.maxRunMs ?? defaultRetentionMaxRunMs);

  /** Runs `batch` until it says nothing more is there; false when stopped first. */
  const drain = async (table: string, batch: () => Promise<{ rows: number; more: boolean }>): Promise<boolean> => {
    for (;;) {
      if (signal?.aborted || performance.now() >= stopAt) return false;
      const started = performance.now();
      const { rows, more } = await batch();
      const ms = performance.now() - started;
      run.batches++;
      run.longestBatchMs = Math.max(run.longestBatchMs, ms);
      options.onBatch?.({ table, rows, ms });
      if (!more) return true;
      await sleep(Math.max(pauseMs, ms), undefined, { signal }).catch(() => {});
    }
  };
  /** A batch of `limit` rows at most: a full one means there may be more. */
  const upTo = (field: "idempotencyKeys" | "initializations", rows: number) => {
    run[field] += rows;
    return { rows, more: rows === limit };
  };
  // Kept publications (their deliveries finished late) are looked at once per run, not by every batch.
  let publicationsAfter: PublicationCursor | null = null;

  const finished =
    (await drain("deliveries", async () => {
      const gone = await deleteFinishedDeliveriesBatch(db, retentionMs, limit);
      run.deliveries += gone.deliveries;
      run.attempts += gone.attempts;
      return { rows: gone.deliveries, more: gone.more };
    })) &&
    (await drain("publication_keys", async () => upTo("idempotencyKeys", await deleteExpiredIdempotencyKeys(db, limit)))) &&
    (await drain("publications", async () => {
      const gone = await deletePublicationsBatch(db, retentionMs, limit, publicationsAfter);
      publicationsAfter = gone.next;
      run.publications += gone.publications;
      return { rows: gone.publications, more: gone.next !== null };
    })) &&
    (await drain("initializations", async () => upTo("initializations", await deleteOldInitializations(db, retentionMs, limit))));
  run.interrupted = !finished;
  return run;
}
