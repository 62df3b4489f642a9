import { EventEmitter } from "node:events";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import { createDeliveryKit, type DeliveryKit } from "./worker-context.js";
import { deliver } from "./deliver.js";
import type { Services } from "../services.js";
import { startHeartbeat } from "./heartbeat.js";
import { deliverTask, type DeliverJob } from "../store/jobs.js";
import { workerLogger } from "./worker-logger.js";
import { workerRunOptions } from "./worker-options.js";

export interface RunningWorker {
  readonly kit: DeliveryKit;
  /** Finishes the deliveries in hand, then stops. */
  stop(): Promise<void>;
}

/**
 * A delivery worker: graphile-worker running `deliver_v1`, plus the heartbeat that lets the
 * workers sharing this database take over from one that died. Any number may run at once.
 */
export async function startWorker(services: Services): Promise<RunningWorker> {
  const { config, logger } = services;
  const kit = createDeliveryKit(services);
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
      [deliverTask]: async (payload) => deliver(kit, parseDeliverJob(payload)),
    },
  });
  const heartbeat = await startHeartbeat(services.db, {
    graphileWorkerIds: () => [...graphileWorkerIds],
    staleAfterMs: config.workerStaleAfterMs,
    logger,
  });
  logger.info({ concurrency: config.workerConcurrency }, "delivery worker started");
  return {
    kit,
    async stop() {
      await runner.stop();
      await heartbeat.stop();
      await kit.dispatcher.close();
    },
  };
}

function parseDeliverJob(payload: unknown): DeliverJob {
  const job = payload as Partial<DeliverJob> | null;
  if (typeof job?.deliveryId !== "string" || typeof job.run !== "number" || typeof job.attemptsBefore !== "number") {
    throw new Error(`${deliverTask}: malformed job payload ${JSON.stringify(payload)}`);
  }
  return { deliveryId: job.deliveryId, run: job.run, attemptsBefore: job.attemptsBefore };
}
