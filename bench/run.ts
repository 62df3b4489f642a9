/**
 * npm run bench [-- --quick] [--rate=1000] [--latency-seconds=20] [--cpu-prof] [--workers=1]
 *
 * PostgreSQL (embedded unless DATABASE_URL; a fresh database, dropped after), a receiver in a child
 * process, a loopback OAuth token endpoint, hookgate's delivery worker in this process (or, with
 * --workers=N > 1, N `hookgate worker` processes for the throughput and latency scenarios). Measures
 * this machine's limits (B1 HTTP, B2 queue, B3 origin query), then the scenarios, then prints and
 * writes bench/results/<timestamp>.json. See bench/README.md.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunningHookgate } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { openDbStats, type DbStats } from "./db-stats.js";
import { benchEnv, startSetupInstance, workerPoolSize } from "./hookgate.js";
import { measureApi } from "./api.js";
import { runIsolation } from "./isolation.js";
import { measureHttpPosts, measureOriginQueries, measureQueueJobs } from "./limits.js";
import { openBenchDatabase, type BenchDatabase } from "./postgres.js";
import { startReceiverProcess, type ReceiverHandle } from "./receiver-handle.js";
import { startCpuProfile, summarizeProfile } from "./profile.js";
import { buildReport, formatReport, writeReport } from "./report.js";
import { runLatency } from "./latency.js";
import type { ScenarioMeasurement } from "./measurement.js";
import { runThroughput } from "./scenarios.js";
import { originBody, setUpTargets, type ScenarioSpec } from "./targets.js";
import { startTokenEndpoint, type TokenEndpoint } from "./token-endpoint.js";
import { idleWorkerCosts } from "./worker-processes.js";

interface Options {
  quick: boolean;
  /** Profile hookgate's process during the fan-out 1 scenario. */
  cpuProf: boolean;
  rate: number;
  latencySeconds: number;
  /** Worker processes for the throughput and latency scenarios; 1 runs the worker in this process. */
  workers: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { quick: false, cpuProf: false, rate: 1000, latencySeconds: NaN, workers: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const value = () => Number(inline ?? argv[++i]);
    if (flag === "--quick") options.quick = true;
    else if (flag === "--cpu-prof") options.cpuProf = true;
    else if (flag === "--rate") options.rate = value();
    else if (flag === "--latency-seconds") options.latencySeconds = value();
    else if (flag === "--workers") options.workers = value();
    else throw new Error(`unknown argument ${argv[i]}; usage: npm run bench [-- --quick] [--rate=1000] [--latency-seconds=20] [--cpu-prof] [--workers=1]`);
  }
  if (!(options.rate > 0)) throw new Error("--rate must be a positive number");
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error("--workers must be a whole number ≥ 1");
  if (options.cpuProf && options.workers > 1) throw new Error("--cpu-prof profiles the in-process worker; use it with --workers=1");
  if (Number.isNaN(options.latencySeconds)) options.latencySeconds = options.quick ? 5 : 20;
  return options;
}

/** Sizes: --quick fits the whole run in a minute on a 2-core machine. */
function sizes(quick: boolean) {
  return quick
    ? { fanout1: 2000, fanout10: 200, slow: 500, retry: 1000, httpMs: 1000, httpSlowMs: 600, queueJobs: 4000, originMs: 1000, apiMs: 2000, isolationQueued: 200, isolationWaitMs: 30_000 }
    : { fanout1: 20000, fanout10: 2000, slow: 4000, retry: 10000, httpMs: 5000, httpSlowMs: 2000, queueJobs: 20000, originMs: 5000, apiMs: 5000, isolationQueued: 1000, isolationWaitMs: 60_000 };
}

const specs: ScenarioSpec[] = [
  { name: "fanout-1", path: "/ok", fanOut: 1 },
  { name: "fanout-10", path: "/ok", fanOut: 10 },
  { name: "slow-50ms", path: "/slow", fanOut: 1 },
  { name: "retry-5pct", path: "/flaky", fanOut: 1 },
  { name: "latency", path: "/ok", fanOut: 1 },
  // Isolation: a partner that never answers (the delivery timeout ends each try), one that answers after 2 s, a healthy one.
  { name: "isolation-hanging", path: "/slow?delay=600000", fanOut: 1 },
  { name: "isolation-slow", path: "/slow?delay=2000", fanOut: 1 },
  { name: "isolation-healthy", path: "/ok", fanOut: 1 },
];

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const size = sizes(options.quick);
  const startedAt = new Date();
  const clock = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - clock) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const database: BenchDatabase = await openBenchDatabase(process.env.DATABASE_URL, log);
    cleanup.push(() => database.close());
    log(`database ${database.name} on ${database.server === "external" ? "DATABASE_URL's server" : "an embedded server"}`);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "hookgate-bench-data-"));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = benchEnv(database.url, dataDir, process.env);
    const config = loadConfig(env);

    const receiver: ReceiverHandle = await startReceiverProcess();
    cleanup.push(() => receiver.stop());
    const tokens: TokenEndpoint = await startTokenEndpoint({ expiresIn: 3600 });
    cleanup.push(() => tokens.close());

    // Migrations, secrets, organizations, events and groups; then its pool is closed, so the
    // statistics of what it wrote are flushed before anything is measured.
    const setup: RunningHookgate = await startSetupInstance(config);
    const targets = await setUpTargets(setup.services, specs, { receiverUrl: receiver.url, tokenUrl: tokens.url });
    await setup.stop();
    log(`set up ${targets.size} organizations; receiver pid ${receiver.pid} at ${receiver.url}`);

    const stats: DbStats = await openDbStats(database.url, database.name);
    cleanup.push(() => stats.close());
    const workers = { count: options.workers, env };
    const idle = await idleWorkerCosts({ setup, stats, workers });
    if (workers.count > 1) log(`${workers.count} worker processes; idle start and stop: ${idle.statements} statements, ${Math.round(idle.cpuMs ?? 0)} ms CPU`);

    const concurrency = config.workerConcurrency;
    log(`B1: undici POSTs at concurrency ${concurrency}`);
    const http = await measureHttpPosts(`${receiver.url}/ok`, concurrency, size.httpMs);
    const httpSlow = await measureHttpPosts(`${receiver.url}/slow`, concurrency, size.httpSlowMs);
    log(`B2: ${size.queueJobs} graphile-worker no-op jobs`);
    const queue = await measureQueueJobs(database.url, config, size.queueJobs);
    log("B3: in-process origin queries");
    const latencyTarget = targets.get("latency")!;
    const origin = await measureOriginQueries(
      setup.services,
      { organizationId: latencyTarget.organizationId, eventIds: latencyTarget.eventIds, originBody },
      concurrency,
      size.originMs,
    );
    log(`limits: B1 ${Math.round(http.perSecond)}/s (50 ms receiver ${Math.round(httpSlow.perSecond)}/s), ` +
      `B2 ${Math.round(queue.perSecond)}/s, B3 ${Math.round(origin.perSecond)}/s`);

    const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
    const profileFile = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, "-")}-fanout-1.cpuprofile`);
    await mkdir(resultsDir, { recursive: true });
    const ctx = { setup, databaseUrl: database.url, receiver, tokens, stats, workers, idle, log };
    const measurements: ScenarioMeasurement[] = [];
    const throughput: Array<[string, number]> = [
      ["fanout-1", size.fanout1],
      ["fanout-10", size.fanout10],
      ["slow-50ms", size.slow],
      ["retry-5pct", size.retry],
    ];
    for (const [name, events] of throughput) {
      log(`scenario ${name}`);
      const profiling = options.cpuProf && name === "fanout-1";
      const result = await runThroughput(ctx, targets.get(name)!, events, profiling ? profileFile : undefined);
      log(`  ${name}: ${result.deliveries} deliveries in ${Math.round(result.elapsedMs)} ms = ${Math.round(result.deliveriesPerSecond)}/s, missing ${result.ledger.missing}`);
      measurements.push(result);
    }
    log(`scenario latency: open loop at ${options.rate}/s for ${options.latencySeconds} s`);
    measurements.push(await runLatency(ctx, latencyTarget, options.rate, options.latencySeconds));
    log("api: viewer query and publishEvent over HTTP, 20 connections");
    const api = await measureApi(config, size.apiMs);
    // Last: what it leaves queued (and the slow partner's late answers) would disturb any scenario after it.
    log(`scenario isolation: ${size.isolationQueued} deliveries each queued to a hanging and a 2 s partner, then one healthy one`);
    const isolation = await runIsolation(
      ctx,
      { hanging: targets.get("isolation-hanging")!, slow: targets.get("isolation-slow")!, healthy: targets.get("isolation-healthy")! },
      size.isolationQueued,
      size.isolationWaitMs,
    );

    const report = buildReport(
      {
        startedAt: startedAt.toISOString(),
        mode: options.quick ? "quick" : "full",
        database: database.server,
        node: process.version,
        cpus: os.availableParallelism(),
        workerConcurrency: concurrency,
        workerPoolSize: workerPoolSize(config),
        workerPollIntervalMs: config.workerPollIntervalMs,
        workers: workers.count,
        idleWorkerStatements: idle.statements,
        idleWorkerCpuMs: idle.cpuMs,
        pgStatStatements: stats.statementsUnavailable === null ? stats.statementsNote : `unavailable: ${stats.statementsUnavailable}`,
        tokenLifetimeS: tokens.expiresIn,
      },
      { http, httpSlow, queue, origin },
      measurements,
      api,
      isolation,
    );
    console.log(formatReport(report));
    const file = await writeReport(report, resultsDir);
    if (options.cpuProf) {
      console.log(`\nCPU profile of hookgate's process, fan-out 1 worker window (${path.relative(process.cwd(), profileFile)}), self time:`);
      for (const line of summarizeProfile(JSON.parse(await readFile(profileFile, "utf8")))) console.log(`  ${line}`);
    }
    console.log(`\nwritten to ${path.relative(process.cwd(), file)} (total ${((Date.now() - clock) / 1000).toFixed(1)} s)`);
    return report.void ? 1 : 0;
  } finally {
    for (const step of cleanup.reverse()) {
      await step().catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
