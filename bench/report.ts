import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ApiRates } from "./api.js";
import type { IsolationMeasurement } from "./isolation.js";
import type { Rate } from "./limits.js";
import type { ScenarioMeasurement } from "./measurement.js";

export interface RunInfo {
  startedAt: string;
  mode: "quick" | "full";
  database: "external" | "embedded";
  node: string;
  cpus: number;
  /** 1: the worker in the bench process; N > 1: N `hookgate worker` processes (throughput and latency scenarios). */
  workers: number;
  workerConcurrency: number;
  workerPoolSize: number;
  workerPollIntervalMs: number;
  idleWorkerStatements: number;
  /** An idle set of worker processes' CPU, subtracted from theirs; null in process. */
  idleWorkerCpuMs: number | null;
  pgStatStatements: string;
  tokenLifetimeS: number;
}

export interface Limits {
  http: Rate;
  httpSlow: Rate;
  queue: Rate;
  origin: Rate;
}

const round = (value: number, digits = 0): number => {
  if (!Number.isFinite(value)) return NaN;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const bound = (...rates: number[]): number => 1 / rates.reduce((sum, rate) => sum + 1 / rate, 0);

/** The result document: headline figures from the fan-out 1 throughput scenario, then every scenario. */
export function buildReport(
  info: RunInfo,
  limits: Limits,
  scenarios: readonly ScenarioMeasurement[],
  api: ApiRates,
  isolation: IsolationMeasurement,
) {
  const headline = scenarios.find((s) => s.name === "fanout-1") ?? scenarios[0]!;
  const latencyRun = scenarios.find((s) => s.latency);
  const boundPerS = bound(limits.http.perSecond, limits.queue.perSecond, limits.origin.perSecond);
  const slowBound = bound(limits.httpSlow.perSecond, limits.queue.perSecond, limits.origin.perSecond);
  const perDelivery = (s: ScenarioMeasurement) => ({
    sql_statements: round(s.worker.statements / s.deliveries, 2),
    sql_statements_pgss: s.worker.pgssCalls === null ? null : round(s.worker.pgssCalls / s.deliveries, 2),
    rows_written: round(s.worker.rowsWritten / s.deliveries, 2),
    rows_written_publishing: Number.isNaN(s.publish.rowsWritten) ? null : round(s.publish.rowsWritten / s.deliveries, 2),
    node_cpu_ms: round(s.worker.cpuMs / s.deliveries, 3),
    receiver_cpu_ms: round(s.receiver.cpuMs / s.deliveries, 3),
    machine_cpu_ms: round(s.machineCpuMs / s.deliveries, 3),
    /** What the machine spent that was neither hookgate's process nor the receiver's: mostly PostgreSQL. */
    other_cpu_ms: round((s.machineCpuMs - s.worker.cpuMs - s.receiver.cpuMs) / s.deliveries, 3),
  });
  const published = scenarios.reduce((n, s) => n + s.ledger.published, 0);
  const delivered = scenarios.reduce((n, s) => n + s.ledger.delivered, 0);
  const duplicates = scenarios.reduce((n, s) => n + s.ledger.duplicates, 0);
  const tokenFetches = scenarios.reduce((n, s) => n + s.worker.tokenFetches, 0);
  const missing = published - delivered;
  const problems = [
    missing !== 0 ? `${missing} deliveries missing` : null,
    ...scenarios.filter((s) => s.timedOut).map((s) => `${s.name} timed out`),
    ...scenarios.filter((s) => s.receiver.unauthenticated > 0 || s.receiver.unsigned > 0).map((s) => `${s.name}: requests without token or signature`),
  ].filter((p): p is string => p !== null);
  const samples = latencyRun?.latency?.samples ?? [];
  const latency = latencyRun?.latency
    ? {
        p50: round(percentile(samples, 50), 1),
        p95: round(percentile(samples, 95), 1),
        p99: round(percentile(samples, 99), 1),
        max: round(percentile(samples, 100), 1),
        offered_per_s: latencyRun.latency.offeredPerSecond,
        duration_s: latencyRun.latency.durationS,
        samples: samples.length,
        late_publish_starts: latencyRun.latency.lateStarts,
        max_publish_start_lag_ms: round(latencyRun.latency.maxStartLagMs, 1),
        never_arrived: latencyRun.latency.neverArrived,
        over_100ms: samples.filter((v) => v > 100).length,
      }
    : null;
  const headlinePer = perDelivery(headline);
  const ratio = headline.deliveriesPerSecond / boundPerS;
  return {
    run: info,
    workers: info.workers,
    void: problems.length > 0,
    void_reason: problems.length > 0 ? problems.join("; ") : null,
    e2e_deliveries_per_s: round(headline.deliveriesPerSecond),
    limits: {
      http_posts_per_s: round(limits.http.perSecond),
      queue_jobs_per_s: round(limits.queue.perSecond),
      origin_queries_per_s: round(limits.origin.perSecond),
      http_posts_per_s_receiver_50ms: round(limits.httpSlow.perSecond),
      queue_sql_statements_per_job: round(limits.queue.statementsPerOperation ?? NaN, 2),
    },
    bound_per_s: round(boundPerS),
    ratio_to_bound: round(ratio, 3),
    latency_ms: latency,
    token_fetches_per_1000: round((tokenFetches * 1000) / published, 3),
    sql_statements_per_delivery: headlinePer.sql_statements,
    sql_statements_source:
      info.workers === 1
        ? "client-side: statements sent by the worker's pool clients (graphile-worker included), idle start/stop subtracted"
        : `client-side: statements sent by every pg client of the ${info.workers} worker processes (bench/count-statements.ts), an idle set's start/stop subtracted`,
    sql_statements_per_delivery_pg_stat_statements: headlinePer.sql_statements_pgss,
    pg_stat_statements: info.pgStatStatements,
    rows_written_per_delivery: headlinePer.rows_written,
    rows_written_per_delivery_publishing: headlinePer.rows_written_publishing,
    node_cpu_ms_per_delivery: headlinePer.node_cpu_ms,
    cpu_ms_per_delivery: {
      hookgate_node: headlinePer.node_cpu_ms,
      receiver: headlinePer.receiver_cpu_ms,
      other_mostly_postgres: headlinePer.other_cpu_ms,
      machine: headlinePer.machine_cpu_ms,
      machine_capacity_ms_per_s: info.cpus * 1000,
    },
    ledger: { published, delivered, missing, duplicates },
    api: {
      publish_event_per_s: round(api.publishEventPerSecond),
      viewer_query_per_s: round(api.viewerQueryPerSecond),
      publish_to_viewer: round(api.publishEventPerSecond / api.viewerQueryPerSecond, 3),
    },
    isolation: {
      healthy_delivery_ms: isolation.healthyDeliveryMs === null ? null : round(isolation.healthyDeliveryMs),
      queued_ahead: isolation.queuedAhead,
      wait_ms: isolation.waitMs,
    },
    targets: {
      ratio_to_bound: { target: ">= 0.6", value: round(ratio, 3), met: ratio >= 0.6 },
      p99_ms_at_offered_rate: { target: "<= 100", value: latency?.p99 ?? null, met: latency !== null && latency.p99 <= 100 },
      sql_statements_per_delivery: { target: "<= 6", value: headlinePer.sql_statements, met: headlinePer.sql_statements <= 6 },
      isolation_healthy_delivery_ms: {
        target: "<= 1000",
        value: isolation.healthyDeliveryMs === null ? `not within ${isolation.waitMs}` : round(isolation.healthyDeliveryMs),
        met: isolation.healthyDeliveryMs !== null && isolation.healthyDeliveryMs <= 1000,
      },
      api_publish_to_viewer: {
        target: ">= 0.5",
        value: round(api.publishEventPerSecond / api.viewerQueryPerSecond, 3),
        met: api.publishEventPerSecond >= 0.5 * api.viewerQueryPerSecond,
      },
      token_fetches: {
        target: "<= 1 per credential per token lifetime per worker",
        value: scenarios.map((s) => `${s.name}: ${s.worker.tokenFetches} for ${s.worker.credentials}`).join(", "),
        met: scenarios.every((s) => s.worker.tokenFetches <= s.worker.credentials * info.workers),
      },
    },
    scenarios: scenarios.map((s) => {
      const scenarioBound = s.name.startsWith("slow") ? slowBound : boundPerS;
      return {
        name: s.name,
        fan_out: s.fanOut,
        events: s.events,
        deliveries: s.deliveries,
        attempts: s.attempts,
        elapsed_ms: round(s.elapsedMs),
        deliveries_per_s: round(s.deliveriesPerSecond),
        bound_per_s: round(scenarioBound),
        ratio_to_bound: round(s.deliveriesPerSecond / scenarioBound, 3),
        per_delivery: perDelivery(s),
        statements_per_worker_process: s.worker.perProcessStatements.length > 0 ? s.worker.perProcessStatements : undefined,
        token_fetches: s.worker.tokenFetches,
        credentials: s.worker.credentials,
        publish_events_per_s: round(s.publish.eventsPerSecond),
        receiver_failed_on_purpose: s.receiver.failedOnPurpose,
        ledger: s.ledger,
        timed_out: s.timedOut,
      };
    }),
  };
}

export type Report = ReturnType<typeof buildReport>;

export async function writeReport(report: Report, directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${report.run.startedAt.replace(/[:.]/g, "-")}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function formatReport(report: Report): string {
  const lines: string[] = [];
  const pad = (text: unknown, width: number) => String(text).padStart(width);
  lines.push("");
  lines.push(`hookgate bench (${report.run.mode}, ${report.run.database} PostgreSQL, ${report.run.cpus} cores, ` +
    `workers ${report.workers}${report.workers > 1 ? " (processes)" : " (in process)"}, ` +
    `worker concurrency ${report.run.workerConcurrency}, pool ${report.run.workerPoolSize})`);
  lines.push("");
  lines.push("limits of this machine");
  lines.push(`  B1 undici POSTs/s         ${pad(report.limits.http_posts_per_s, 8)}   (receiver answering after 50 ms: ${report.limits.http_posts_per_s_receiver_50ms})`);
  lines.push(`  B2 graphile-worker jobs/s ${pad(report.limits.queue_jobs_per_s, 8)}   (${report.limits.queue_sql_statements_per_job} SQL statements per job)`);
  lines.push(`  B3 origin queries/s       ${pad(report.limits.origin_queries_per_s, 8)}`);
  lines.push(`  bound 1/(1/B1+1/B2+1/B3)  ${pad(report.bound_per_s, 8)}`);
  lines.push("");
  lines.push("scenario        fan-out  deliveries   per s  ratio   SQL/d  rows/d  cpu ms/d (node/pg+other/all)  tokens  missing");
  for (const s of report.scenarios) {
    lines.push(
      `${s.name.padEnd(15)} ${pad(s.fan_out, 7)} ${pad(s.deliveries, 11)} ${pad(s.deliveries_per_s, 7)} ${pad(s.ratio_to_bound, 6)} ` +
        `${pad(s.per_delivery.sql_statements, 7)} ${pad(s.per_delivery.rows_written, 7)} ` +
        `${pad(`${s.per_delivery.node_cpu_ms.toFixed(2)}/${s.per_delivery.other_cpu_ms.toFixed(2)}/${s.per_delivery.machine_cpu_ms.toFixed(2)}`, 28)} ` +
        `${pad(`${s.token_fetches}/${s.credentials}`, 7)} ${pad(s.ledger.missing, 8)}`,
    );
  }
  lines.push("");
  lines.push(`e2e deliveries/s (fan-out 1)  ${report.e2e_deliveries_per_s}   ratio to bound ${report.ratio_to_bound}`);
  if (report.latency_ms) {
    const l = report.latency_ms;
    lines.push(`latency at ${l.offered_per_s}/s offered (${l.samples} samples): p50 ${l.p50} ms  p95 ${l.p95} ms  p99 ${l.p99} ms  max ${l.max} ms` +
      `  (late publish starts: ${l.late_publish_starts}, > 100 ms: ${l.over_100ms})`);
  }
  lines.push(`per delivery: ${report.sql_statements_per_delivery} SQL statements, ${report.rows_written_per_delivery} rows written by the worker ` +
    `(+${report.rows_written_per_delivery_publishing} publishing), ${report.node_cpu_ms_per_delivery} ms Node CPU; ` +
    `token fetches per 1000: ${report.token_fetches_per_1000}`);
  lines.push(`api (HTTP, 20 connections): publishEvent ${report.api.publish_event_per_s}/s, viewer query ${report.api.viewer_query_per_s}/s ` +
    `(ratio ${report.api.publish_to_viewer})`);
  const healthy = report.isolation.healthy_delivery_ms;
  lines.push(`isolation: a healthy partner's delivery arrived ${healthy === null ? `not within ${report.isolation.wait_ms}` : healthy} ms after ` +
    `its publication, behind ${report.isolation.queued_ahead.hanging} to a hanging and ${report.isolation.queued_ahead.slow} to a 2 s partner`);
  lines.push(`pg_stat_statements: ${report.pg_stat_statements}`);
  lines.push("");
  lines.push("targets (reported, not asserted)");
  for (const [name, target] of Object.entries(report.targets)) {
    lines.push(`  ${target.met ? "met    " : "MISSED "} ${name}: ${target.value} (target ${target.target})`);
  }
  lines.push("");
  const { published, delivered, missing, duplicates } = report.ledger;
  lines.push(`ledger: published ${published}, delivered ${delivered}, missing ${missing}, duplicates ${duplicates}`);
  if (report.void) lines.push(`THIS RUN IS VOID: ${report.void_reason}`);
  return lines.join("\n");
}
