import os from "node:os";
import { performance } from "node:perf_hooks";
import type { RunningHookgate } from "../src/app.js";
import type { DbStats } from "./db-stats.js";
import type { ReceiverHandle } from "./receiver-handle.js";
import type { TokenEndpoint } from "./token-endpoint.js";
import type { WorkerCosts } from "./worker-processes.js";

// What a scenario measures, and the clock and CPU figures it measures with.

export const now = (): number => performance.timeOrigin + performance.now();

/** Busy (non-idle) CPU time of all cores so far, in ms. */
export function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

/** What a scenario's deliveries became, as the receiver and the database both saw them. */
export interface Ledger {
  published: number;
  /** Answered 2xx by the receiver and recorded SUCCEEDED. */
  delivered: number;
  missing: number;
  /** Extra 2xx requests for a webhook-id already delivered. */
  duplicates: number;
}

export interface ScenarioMeasurement {
  name: string;
  fanOut: number;
  events: number;
  deliveries: number;
  ledger: Ledger;
  /** First delivery attempt started → last delivery recorded finished. */
  elapsedMs: number;
  deliveriesPerSecond: number;
  attempts: number;
  publish: { elapsedMs: number; eventsPerSecond: number; rowsWritten: number };
  /** Every core's busy time (os.cpus) over the worker's run: hookgate + receiver + PostgreSQL + the rest. */
  machineCpuMs: number;
  worker: {
    /** Statements, and CPU below, of the scenario's workers: in process, or summed over --workers processes. */
    statements: number;
    /** Statements each worker process sent (idle start/stop included); empty in process. */
    perProcessStatements: number[];
    pgssCalls: number | null;
    rowsWritten: number;
    cpuMs: number;
    tokenFetches: number;
    credentials: number;
  };
  receiver: { cpuMs: number; unauthenticated: number; unsigned: number; failedOnPurpose: number };
  /** Set for the open-loop scenario. */
  latency?: LatencyMeasurement;
  /** Why the wait ended early, if it did. */
  timedOut: boolean;
}

export interface LatencyMeasurement {
  offeredPerSecond: number;
  durationS: number;
  /** publish→receive, ms, from each publish's scheduled time to its first arrival at the receiver. */
  samples: number[];
  /** Publishes that started more than 5 ms after their scheduled time (the publisher fell behind). */
  lateStarts: number;
  maxStartLagMs: number;
  /** Deliveries that never arrived within the wait. */
  neverArrived: number;
}

export interface ScenarioContext {
  setup: RunningHookgate;
  databaseUrl: string;
  receiver: ReceiverHandle;
  tokens: TokenEndpoint;
  stats: DbStats;
  /** 1: hookgate's worker in the bench process; N > 1: N `hookgate worker` processes started with `env`. */
  workers: { count: number; env: Record<string, string> };
  /** What the workers send (and, as processes, spend) starting and stopping with nothing to do; subtracted. */
  idle: WorkerCosts;
  log: (line: string) => void;
}
