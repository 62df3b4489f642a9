import type { Services } from "../services.js";
import { runInitializationBatch } from "../publish/initialization-batch.js";
import { parseDeliverJob, parseDeliverJobV1, parseInitializeJob, taskNames } from "../store/jobs.js";
import { releaseWorkerJobs } from "../store/worker-heartbeats.js";
import { deliver } from "./deliver.js";
import { startHeartbeat } from "./heartbeat.js";
import { JobsInHand } from "./jobs-in-hand.js";
import { retentionCronItems, retentionTask } from "./retention/retention-task.js";
import { type RunnerState, superviseRunner } from "./runner-supervisor.js";
import { createWorkerContext, type WorkerContext } from "./worker-context.js";
import { workerLogger } from "./worker-logger.js";
import { workerRunOptions } from "./worker-options.js";

export interface RunningWorker {
  readonly context: WorkerContext;
  /** Finishes the deliveries in hand (within the delivery timeout), hands back the rest, then stops. */
  stop(): Promise<void>;
  /**
   * For a process about to exit without finishing (a second Ctrl-C): its deliveries in hand are
   * abandoned, and every job it holds is released by the next sweep of any worker, its own next
   * start included, instead of a stale window later. A partner may get those deliveries twice.
   */
  abandon(): Promise<void>;
  /** Whether its queue runner is running, being started again after losing the database, or stopped (/ready). */
  state(): RunnerState;
}

/**
 * A delivery worker: graphile-worker running the deliver task — started again by itself should
 * the database go away under it — plus the heartbeat that lets the workers sharing this database
 * take over from one that died. Any number may run at once.
 */
export async function startWorker(services: Services): Promise<RunningWorker> {
  const { config, logger } = services;
  const context = createWorkerContext(services);
  const stopping = new AbortController();
  const jobsInHand = new JobsInHand(config.workerStaleAfterMs);
  const runner = await superviseRunner(
    {
      ...workerRunOptions(config),
      pgPool: services.pool,
      logger: workerLogger(logger),
      taskList: {
        [taskNames.deliver]: async (payload) => deliver(context, parseDeliverJob(payload)),
        [taskNames.deliverV1]: async (payload) => deliver(context, parseDeliverJobV1(payload)),
        [taskNames.initialize]: async (payload) => runInitializationBatch(services, parseInitializeJob(payload)),
        [taskNames.retention]: retentionTask(services, stopping.signal),
      },
      parsedCronItems: retentionCronItems(config),
    },
    {
      logger,
      releaseJobs: (ids) => releaseWorkerJobs(services.db, ids),
      abandonAfterMs: config.deliveryTimeoutMs + 10_000,
      jobsInHand,
    },
  );
  const heartbeat = await startHeartbeat(services.db, {
    graphileWorkerIds: runner.workerIds,
    isInHand: (jobId, lockedBy, lockedAt) => jobsInHand.has(jobId, lockedBy, lockedAt),
    staleAfterMs: config.workerStaleAfterMs,
    logger,
  }).catch(async (error: unknown) => {
    // Started without a heartbeat, the runner would hold jobs nobody could take over: stop it.
    await runner.stop();
    throw error;
  });
  logger.info({ concurrency: config.workerConcurrency }, "delivery worker started");
  return {
    context,
    state: () => runner.state(),
    async stop() {
      stopping.abort();
      await runner.stop();
      await heartbeat.stop();
    },
    async abandon() {
      stopping.abort();
      // Not awaited (it waits for the deliveries in hand): it stops the runner fetching more jobs,
      // which no one might release once this process is gone.
      void runner.stop().catch(() => {});
      await heartbeat.abandon();
    },
  };
}
