/** Queue task names carry a version: a job written by an older hookgate keeps its meaning. */
export const deliverTask = "deliver_v1";

/** What a deliver job carries: ids only, never a payload or a secret. */
export interface DeliverJob {
  deliveryId: string;
  /** Which scheduled run this is (1 = the first), indexing the retry schedule. */
  run: number;
  /** Attempts recorded before this run; a job whose delivery has moved on does nothing. */
  attemptsBefore: number;
}

/**
 * Retries of a delivery are hookgate's own (its schedule, Retry-After, 410); graphile-worker's
 * attempts only cover a task that crashed unexpectedly (database down, a bug).
 */
export const jobMaxAttempts = 10;
