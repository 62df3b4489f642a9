import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { run, type Runner, type RunnerOptions, type WorkerEvents, type WorkerPool } from "graphile-worker";
import type { Logger } from "pino";
import type { JobsInHand } from "./jobs-in-hand.js";

export interface SupervisedRunner {
  /** The graphile-worker ids whose jobs this process may hold locked: its heartbeat names them. */
  workerIds(): string[];
  /** Stops the runner (finishing the jobs in hand); answers once no runner is left. */
  stop(): Promise<void>;
  /** running; restarting (its runner ended or began shutting down on its own, a new one is on the way); stopped. What /ready reports. */
  state(): RunnerState;
}

export type RunnerState = "running" | "restarting" | "stopped";

interface Supervision {
  logger: Logger;
  /** Hands the jobs still locked by these graphile-worker ids back to the queue. */
  releaseJobs(workerIds: string[]): Promise<void>;
  /**
   * How long a pool that began shutting down on its own may take before it is given up on: its
   * deliveries in hand have ended by then (the delivery timeout bounds them).
   */
  abandonAfterMs: number;
  /** Delay before each attempt to start a runner again (the last repeats). */
  restartDelaysMs?: readonly number[];
  /** Told of the jobs every runner fetches, runs and finishes. */
  jobsInHand?: JobsInHand;
}

const defaultRestartDelaysMs = [250, 500, 1_000, 2_000, 5_000];

/**
 * Keeps one graphile-worker runner going for the life of the process. graphile-worker shuts its
 * pool down for good when it cannot complete, fail or hand back jobs — exactly what a PostgreSQL
 * restart or failover causes — and its runner then ends, with an error nobody awaits: the process
 * died of the unhandled rejection, or lived on delivering nothing. graphile-worker has no option
 * to reconnect (its pools are meant to be restarted by whoever runs them), so this does: once the
 * database answers again it hands the old runner's locked jobs back and starts a new runner.
 * A pool's shutdown can also hang for ever (its batched job completion waits on a batch that
 * failed, graphile-worker 0.17.3): a pool that began shutting down on its own and has not ended
 * after `abandonAfterMs` is given up on, as if it had ended.
 */
export async function superviseRunner(options: RunnerOptions, supervision: Supervision): Promise<SupervisedRunner> {
  const { logger } = supervision;
  const delays = supervision.restartDelaysMs ?? defaultRestartDelaysMs;
  // Ids of runners that ended but whose locks are not yet released: named in the heartbeat until
  // then, so that should this process die meanwhile the others release them.
  const endedIds = new Set<string>();
  let stopping = false;
  const stopped = new AbortController();
  const start = () => startRunner(options, supervision.jobsInHand);
  let current = await start();
  const stopSurviving = surviveLocalQueueHandBackFailures(logger);
  let restarting: Promise<void> | null = null;
  let state: RunnerState = "running";

  const restart = async (ended: StartedRunner, error: unknown) => {
    for (const id of ended.ids) endedIds.add(id);
    logger.error({ err: error }, "the delivery runner stopped on its own (was the database restarted?); starting a new one");
    for (let attempt = 0; !stopping; attempt++) {
      await sleep(delays[Math.min(attempt, delays.length - 1)], undefined, { signal: stopped.signal }).catch(() => {});
      if (stopping) return;
      try {
        await supervision.releaseJobs([...endedIds]);
        endedIds.clear();
        if (stopping) return;
        current = await start();
        watch(current);
        state = "running";
        logger.warn({ attempt: attempt + 1 }, "delivery runner started again");
        return;
      } catch (startError) {
        logger.warn({ err: startError, attempt: attempt + 1 }, "delivery runner could not start yet; trying again");
      }
    }
  };
  const watch = (started: StartedRunner) => {
    const givenUp = started.shutdownBegun.then(async () => {
      if (stopping) return new Promise<never>(() => {});
      state = "restarting";
      await sleep(supervision.abandonAfterMs, undefined, { signal: stopped.signal }).catch(() => {});
      return new Error(`the runner began shutting down on its own and had not ended after ${supervision.abandonAfterMs} ms`);
    });
    let handled = false;
    void Promise.race([started.ended, givenUp]).then((error) => {
      if (stopping || handled) return;
      handled = true;
      state = "restarting";
      restarting = restart(started, error ?? new Error("the runner ended without an error"));
    });
  };
  watch(current);

  // Asked more than once (a stop at once while a graceful one is under way), it stops once.
  let stoppedOnce: Promise<void> | null = null;
  return {
    workerIds: () => [...endedIds, ...current.ids],
    state: () => state,
    stop: () => (stoppedOnce ??= stopRunner()),
  };

  async function stopRunner(): Promise<void> {
    stopping = true;
    state = "stopped";
    stopped.abort();
    await restarting;
    // A runner that already ended (a restart in progress when the stop came) has nothing to stop.
    // Its stop is bounded like its own shutdown: one that hangs (the database gone as it stops)
    // must not keep the process, and its heartbeat, alive for ever. Jobs it could not hand back
    // stay locked; the caller releases them by id.
    if (!current.hasEnded()) {
      const stoppedInTime = await Promise.race([
        current.runner.stop().then(
          () => true,
          (error: unknown) => {
            logger.warn({ err: error }, "the delivery runner did not stop cleanly");
            return true;
          },
        ),
        sleep(supervision.abandonAfterMs, false, { ref: false }),
      ]);
      if (!stoppedInTime) logger.warn(`the delivery runner had not stopped after ${supervision.abandonAfterMs} ms; leaving it`);
    }
    stopSurviving();
  }
}

interface StartedRunner {
  runner: Runner;
  /** graphile-worker's pool and worker ids: the locks its jobs carry. */
  ids: Set<string>;
  /** Settles (with the error, if any) when the runner ends, whoever ended it. */
  ended: Promise<unknown>;
  /** Resolves when its pool begins to shut down, whoever began it. */
  shutdownBegun: Promise<void>;
  hasEnded(): boolean;
}

async function startRunner(options: RunnerOptions, jobsInHand: JobsInHand | undefined): Promise<StartedRunner> {
  const ids = new Set<string>();
  const events = new EventEmitter() as WorkerEvents;
  jobsInHand?.follow(events);
  events.on("pool:create", ({ workerPool }) => {
    ids.add(workerPool.id);
    keepShutdownFailuresHandled(workerPool);
  });
  events.on("worker:create", ({ worker }) => ids.add(worker.workerId));
  const shutdownBegun = new Promise<void>((resolve) => {
    events.once("pool:gracefulShutdown", () => resolve());
    events.once("pool:forcefulShutdown", () => resolve());
  });
  const runner = await run({ ...options, events });
  let hasEnded = false;
  const ended = runner.promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  void ended.then(() => (hasEnded = true));
  return { runner, ids, ended, shutdownBegun, hasEnded: () => hasEnded };
}

/**
 * graphile-worker 0.17.3 shuts its own pool down when a batch of completions fails or jobs cannot
 * be handed back, and drops the promise of that shutdown; when the shutdown then fails too (the
 * database is still away), its rejection is unhandled and Node ends the process. Every shutdown
 * promise gets a handler here; the outcome reaches the supervisor through the runner's promise.
 */
function keepShutdownFailuresHandled(pool: WorkerPool): void {
  const graceful = pool.gracefulShutdown.bind(pool);
  pool.gracefulShutdown = (message?: string) => handled(graceful(message));
  const forceful = pool.forcefulShutdown.bind(pool);
  pool.forcefulShutdown = (message: string) => handled(forceful(message));
}

function handled<T>(outcome: T): T {
  Promise.resolve(outcome).catch(() => {});
  return outcome;
}

/**
 * One failure of graphile-worker 0.17.3 escapes every handler it has: its local queue, unable to
 * hand jobs back while its pool shuts down (the database away), rejects a promise nobody holds,
 * and Node ends the process (the chaos harness, seed 1458429048: three workers at once). That
 * failure is the pool's end, which the supervisor already handles, and the jobs it could not hand
 * back are released by id; so it is logged instead. Any other unhandled rejection still ends the
 * process, as Node would.
 */
function surviveLocalQueueHandBackFailures(logger: Logger): () => void {
  const listener = (reason: unknown) => {
    if (reason instanceof Error && localQueueHandBack.test(reason.message)) {
      logger.warn({ err: reason }, "graphile-worker could not hand its local queue back; those jobs are released by id");
      return;
    }
    throw reason;
  };
  process.on("unhandledRejection", listener);
  return () => process.off("unhandledRejection", listener);
}

const localQueueHandBack = /^Error occurred whilst returning jobs from local queue to database queue/;
