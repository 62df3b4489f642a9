import { EventEmitter } from "node:events";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import type { Services } from "../services.js";
import { parseDeliverJob, parseDeliverJobV1, taskNames } from "../store/jobs.js";
import { deliver } from "./deliver.js";
import { startHeartbeat } from "./heartbeat.js";
import { createWorkerContext, type WorkerContext } from "./worker-context.js";
import { workerLogger } from "./worker-logger.js";
import { workerRunOptions } from "./worker-options.js";

export interface RunningWorker {
  readonly context: WorkerContext;
  /** Finishes the deliveries in hand, then stops. */
  stop(): Promise<void>;
}

/**
 * A delivery worker: graphile-worker running the deliver task, plus the heartbeat that lets the
 * workers sharing this database take over from one that died. Any number may run at once.
 */
export async function startWorker(services: Services): Promise<RunningWorker> {
  const { config, logger } = services;
  const context = createWorkerContext(services);
  const graphileWorkerIds = new Set<string>();
  const events = new EventEmitter() as WorkerEvents;
  events.on("pool:create", ({ workerPool }) => graphileWorkerIds.add(workerPool.id));
  events.on("worker:create", ({ worker }) => graphileWorkerIds.add(worker.workerId));

  const runner: Runner = await run({
    ...workerRunOptions(config),
    pgPool: services.pool,
    logger: workerLogger(logger),
    events,
    taskList: {
      [taskNames.deliver]: async (payload) => deliver(context, parseDeliverJob(payload)),
      [taskNames.deliverV1]: async (payload) => deliver(context, parseDeliverJobV1(payload)),
    },
  });
  const heartbeat = await startHeartbeat(services.db, {
    graphileWorkerIds: () => [...graphileWorkerIds],
    staleAfterMs: config.workerStaleAfterMs,
    logger,
  });
  logger.info({ concurrency: config.workerConcurrency }, "delivery worker started");
  return {
    context,
    async stop() {
      await runner.stop();
      await heartbeat.stop();
    },
  };
}
