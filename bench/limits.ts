import { EventEmitter } from "node:events";
import { workerRunOptions } from "../src/delivery/worker-options.js";
import { performance } from "node:perf_hooks";
import { makeWorkerUtils, run, type WorkerEvents } from "graphile-worker";
import { request } from "undici";
import type { Config } from "../src/config.js";
import { servicesOn } from "../src/app.js";
import { runOrigin } from "../src/origin/run-origin.js";
import { createOutboundDispatcher } from "../src/outbound/guarded-connect.js";
import { createOriginDocumentCache } from "../src/origin/origin-document.js";
import type { Services } from "../src/services.js";
import { createPool, databaseOn } from "../src/store/database.js";
import { silentQueueLogger } from "../src/store/migrate.js";
import { createCountingPool, workerPoolSize } from "./hookgate.js";

/** What one closed-loop measurement did. */
export interface Rate {
  perSecond: number;
  operations: number;
  elapsedMs: number;
  /** SQL statements sent per operation, where counted (B2). */
  statementsPerOperation?: number;
}

/** Runs `operation` from `concurrency` loops for `durationMs` (after a short warm-up) and counts. */
export async function closedLoop(concurrency: number, durationMs: number, operation: () => Promise<void>): Promise<Rate> {
  const warmUpUntil = performance.now() + Math.min(300, durationMs / 5);
  while (performance.now() < warmUpUntil) await Promise.all(Array.from({ length: concurrency }, operation));
  let operations = 0;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await operation();
        operations += 1;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  return { perSecond: (operations * 1000) / elapsedMs, operations, elapsedMs };
}

/**
 * B1: raw undici POSTs to the receiver at the worker's concurrency, through the same kind of
 * dispatcher deliveries use (createOutboundDispatcher), with a body and headers of a delivery's size.
 */
export async function measureHttpPosts(url: string, concurrency: number, durationMs: number): Promise<Rate> {
  const dispatcher = createOutboundDispatcher({ allowPrivateTargets: true });
  const body = JSON.stringify({
    data: { event: { id: "0b8a3c9e-3f6e-4d7c-9a55-6f1f0e6b2a11", title: "Bench event 1", startDate: "2027-06-01T18:00:00.000Z", endDate: "2027-06-02T02:00:00.000Z", status: "ACTIVE" } },
  });
  const headers = {
    "content-type": "application/json",
    authorization: "Bearer bench-token-0",
    "webhook-timestamp": "1700000000",
    "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  };
  try {
    return await closedLoop(concurrency, durationMs, async () => {
      const response = await request(url, { dispatcher, method: "POST", headers, body });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`receiver answered ${response.statusCode}`);
    });
  } finally {
    await dispatcher.close();
  }
}

/**
 * B2: graphile-worker no-op jobs per second with the settings src/delivery/worker.ts passes (pool of
 * the worker's pool size and src/delivery/worker-options.ts's settings), on
 * the run's database. The jobs are added in bulk first; timed from the first job start to the last
 * job completion.
 */
export async function measureQueueJobs(databaseUrl: string, config: Config, jobs: number): Promise<Rate> {
  const counting = createCountingPool(databaseUrl, workerPoolSize(config));
  const pool = counting.pool;
  const utils = await makeWorkerUtils({ pgPool: pool, logger: silentQueueLogger });
  try {
    for (let offset = 0; offset < jobs; offset += 1000) {
      const specs = Array.from({ length: Math.min(1000, jobs - offset) }, (_, i) => ({
        identifier: "bench_noop",
        payload: { n: offset + i },
        maxAttempts: 10,
      }));
      await utils.addJobs(specs);
    }
    const events = new EventEmitter() as WorkerEvents;
    let first = 0;
    let last = 0;
    let completed = 0;
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    events.on("job:start", () => {
      if (first === 0) first = performance.now();
    });
    events.on("job:complete", () => {
      completed += 1;
      last = performance.now();
      if (completed === jobs) resolveDone();
    });
    const statements0 = counting.statements;
    const runner = await run({
      ...workerRunOptions(config),
      pgPool: pool,
      logger: silentQueueLogger,
      events,
      taskList: { bench_noop: async () => {} },
    });
    const timeout = setTimeout(resolveDone, Math.max(30_000, jobs * 5));
    await done;
    clearTimeout(timeout);
    await runner.stop();
    const elapsedMs = last - first;
    const statementsPerOperation = (counting.statements - statements0) / completed;
    return { perSecond: (completed * 1000) / elapsedMs, operations: completed, elapsedMs, statementsPerOperation };
  } finally {
    await utils.release();
    await pool.end();
  }
}

/**
 * B3: in-process origin query executions per second, through runOrigin — the function delivery
 * calls: the origin body decoded, placeholders substituted, the cached validated document
 * (createOriginDocumentCache) executed through the API's built-in schema with a fresh request
 * context, the result serialized. The events it reads are real rows.
 */
export async function measureOriginQueries(
  services: Services,
  target: { organizationId: string; eventIds: readonly string[]; originBody: string },
  concurrency: number,
  durationMs: number,
): Promise<Rate> {
  const pool = createPool(services.databaseUrl, { max: workerPoolSize(services.config) });
  const db = databaseOn(pool);
  const scoped = servicesOn(services, { pool, db });
  const origins = {
    builtInSchema: scoped.builtInSchema,
    documents: createOriginDocumentCache(scoped.builtInSchema),
    outbound: services.outbound,
    timeoutMs: services.config.deliveryTimeoutMs,
    builtInTimeoutMs: services.config.originTimeoutMs,
  };
  let n = 0;
  try {
    return await closedLoop(concurrency, durationMs, async () => {
      const eventId = target.eventIds[n++ % target.eventIds.length]!;
      const answer = await runOrigin(origins, {
        body: target.originBody,
        remoteEndpoint: null,
        organizationId: target.organizationId,
        values: { eventId, organizationId: target.organizationId },
      });
      if (answer.errors) throw new Error(`origin query failed: ${JSON.stringify(answer.errors)}`);
    });
  } finally {
    await db.destroy();
  }
}
