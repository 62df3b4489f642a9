import { randomBytes } from "node:crypto";
import { poolSizeFor } from "../src/delivery/worker-options.js";
import type pg from "pg";
import { servicesOn, startHookgate, type RunningHookgate } from "../src/app.js";
import type { Config } from "../src/config.js";
import { startWorker, type RunningWorker } from "../src/delivery/worker.js";
import { createOutboundDispatcher } from "../src/outbound/guarded-connect.js";
import { createPool, databaseOn } from "../src/store/database.js";

/**
 * hookgate's environment for the bench: loopback partners allowed, quick retries, quiet logs. The
 * in-process parts load their Config from it; worker processes (--workers) are started with it.
 */
export function benchEnv(databaseUrl: string, dataDir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const settings: Record<string, string | undefined> = {
    DATABASE_URL: databaseUrl,
    HOOKGATE_DATA_DIR: dataDir,
    HOOKGATE_SECRET_KEY: randomBytes(32).toString("base64"),
    HOOKGATE_PUBLIC_URL: "http://localhost:4000",
    HOOKGATE_ALLOW_PRIVATE_TARGETS: "true",
    // Only the flaky scenario retries; a short first delay keeps it measurable.
    HOOKGATE_RETRY_SCHEDULE: env.HOOKGATE_RETRY_SCHEDULE ?? "250ms,1s,2s",
    HOOKGATE_WORKER_CONCURRENCY: env.HOOKGATE_WORKER_CONCURRENCY,
    HOOKGATE_WORKER_POLL_INTERVAL: env.HOOKGATE_WORKER_POLL_INTERVAL,
    HOOKGATE_DELIVERY_TIMEOUT: env.HOOKGATE_DELIVERY_TIMEOUT,
    LOG_LEVEL: env.LOG_LEVEL ?? "warn",
    // The API measure sends thousands of requests a second with one key: a limit it never reaches
    // keeps the limiter's statement in what is measured without refusing anything.
    HOOKGATE_API_RATE_LIMIT: env.HOOKGATE_API_RATE_LIMIT ?? "1000000000/s",
  };
  return Object.fromEntries(Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** hookgate without API or worker: migrations, secrets, the Default organization; used to set up. */
export function startSetupInstance(config: Config): Promise<RunningHookgate> {
  return startHookgate(config, { roles: { api: false, worker: false }, announce: () => {} });
}

/** The pool size app.ts gives a process with the worker role. */
export function workerPoolSize(config: Config): number {
  return poolSizeFor(config, { worker: true });
}

export interface CountingPool {
  readonly pool: pg.Pool;
  /** Statements sent through this pool's clients (pool.query included) since creation. */
  readonly statements: number;
}

/**
 * A pool like app.ts creates, whose clients count the statements they send. Every statement of
 * the worker (graphile-worker's and kysely's alike) goes through a client of this pool.
 */
export function createCountingPool(url: string, max: number): CountingPool {
  const pool = createPool(url, { max });
  let statements = 0;
  pool.on("connect", (client: pg.PoolClient) => {
    const query = client.query;
    client.query = function countedQuery(this: pg.PoolClient, ...args: unknown[]) {
      statements += 1;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof client.query;
  });
  return {
    pool,
    get statements() {
      return statements;
    },
  };
}

export interface BenchWorker {
  readonly worker: RunningWorker;
  readonly counting: CountingPool;
  /** Stops the worker and ends its pool (its server backends exit, flushing their statistics). */
  stop(): Promise<void>;
}

/**
 * hookgate's delivery worker as startHookgate's worker role builds it (same Services, same pool
 * size, src/delivery/worker.ts's startWorker), on a pool the bench can count statements on.
 */
export async function startBenchWorker(setup: RunningHookgate): Promise<BenchWorker> {
  const { config } = setup.services;
  const counting = createCountingPool(setup.services.databaseUrl, workerPoolSize(config));
  const db = databaseOn(counting.pool);
  // Its own dispatcher too: the setup instance (and the one it had) is stopped before the runs.
  const outbound = createOutboundDispatcher({ allowPrivateTargets: config.allowPrivateTargets });
  const services = servicesOn(setup.services, { pool: counting.pool, db, outbound });
  const worker = await startWorker(services);
  return {
    worker,
    counting,
    async stop() {
      await worker.stop();
      await outbound.close();
      await db.destroy();
    },
  };
}
