import type { RunnerOptions } from "graphile-worker";
import type { Config } from "../config.js";

/**
 * How a hookgate worker runs graphile-worker (the benchmark's queue limit uses the same):
 * a local queue fetches and locks jobs in batches instead of one query per job, and finished jobs
 * are deleted in batches. Both leave a finished job locked a few milliseconds longer; a job run
 * twice after a crash finds its delivery already recorded and does nothing.
 * A stopping worker lets the deliveries in hand finish: a request ends within the delivery
 * timeout, and recording it takes a moment more.
 */
export function workerRunOptions(config: Config): Pick<RunnerOptions, "concurrency" | "noHandleSignals" | "pollInterval" | "preset"> {
  return {
    concurrency: config.workerConcurrency,
    noHandleSignals: true,
    pollInterval: config.workerPollIntervalMs,
    preset: {
      worker: {
        localQueue: { size: config.workerConcurrency * 2 },
        completeJobBatchDelay: 5,
        failJobBatchDelay: 5,
        gracefulShutdownAbortTimeout: config.deliveryTimeoutMs + 5_000,
      },
    },
  };
}

/**
 * Connections a process needs: the API's few, plus one per ten concurrent deliveries. The
 * deliveries in hand share their statements (one loads a batch, one records a batch), and a
 * delivery never holds a connection while it waits on a partner.
 */
export function poolSizeFor(config: Config, roles: { worker: boolean }): number {
  return 10 + (roles.worker ? Math.ceil(config.workerConcurrency / 10) : 0);
}
