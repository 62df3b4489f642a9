import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Unfinished deliveries by status (PENDING, RETRYING), read from the database at scrape time. */
export interface PendingDeliveries {
  readonly status: string;
  readonly count: number;
  /** Seconds the oldest of them that is due (next_attempt_at passed) has waited; 0 when none is due. */
  readonly oldestDueAgeSeconds: number;
}

/** How one attempt ended, as the attempt-duration histogram labels it (docs/metrics-and-readiness.md). */
export type AttemptOutcome = "succeeded" | "failed" | "throttled" | "gone" | "no_answer" | "not_sent";

/** What kind of API request: a GraphQL operation's type, a doo REST call, or a GraphQL request that named none. */
export type ApiOperationType = "query" | "mutation" | "subscription" | "rest" | "unknown";

/**
 * One process's Prometheus metrics, on a registry of its own: tests run several hookgate
 * instances in one process, and each /metrics must show what its own instance did. Every label
 * is a small enumeration (statuses, hook types, outcomes); none grows with tenants, groups or URLs.
 */
export interface Metrics {
  readonly registry: Registry;
  /** A delivery's round was recorded, leaving it in `status` (SUCCEEDED, FAILED, GONE or RETRYING). */
  roundRecorded(status: string): void;
  attemptMade(outcome: AttemptOutcome, durationMs: number): void;
  /** `count` publications (default 1) of `type` were written (with their deliveries and jobs). */
  published(type: string, count?: number): void;
  tokenFetched(outcome: "succeeded" | "failed"): void;
  apiRequest(operationType: ApiOperationType, durationMs: number): void;
  rateLimited(): void;
}

const deliveryStatuses = ["SUCCEEDED", "FAILED", "GONE", "RETRYING"];
const attemptOutcomes: AttemptOutcome[] = ["succeeded", "failed", "throttled", "gone", "no_answer", "not_sent"];
const hookTypes = [
  "EVENT_CREATED", "EVENT_REMOVED", "EVENT_UPDATED", "ORDER_CREATED", "ORDER_REMOVED", "ORDER_UPDATED", "ORDER_CANCELLED",
  // Operational notices (docs/operational-webhooks.md), counted by the worker or API process that wrote them.
  "GROUP_DISABLED", "DELIVERY_FAILED", "GROUP_RECOVERED",
];

export interface MetricsOptions {
  /** The database's unfinished deliveries (one statement), for the two pending gauges. */
  pending?: () => Promise<readonly PendingDeliveries[]>;
  /** A scrape waits this long for `pending` before leaving the gauges out. Default 2 s. */
  pendingTimeoutMs?: number;
  /** An answer of `pending` serves the scrapes of this long. Default 5 s. */
  pendingCacheMs?: number;
}

/**
 * `pending` is asked at scrape time, once at most at a time, and its answer kept for a few
 * seconds, so several scrapers (and a slow database) never multiply the statement. When it fails
 * or has not answered in time (the database away) the two gauges are left out of that scrape
 * rather than failing it, so the process's own figures still arrive.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const deliveries = new Counter({
    name: "hookgate_deliveries_total",
    help: "Delivery rounds recorded by this process, by the delivery's status after the round (SUCCEEDED, FAILED and GONE end a delivery; RETRYING schedules another round)",
    labelNames: ["status"],
    registers: [registry],
  });
  const attempts = new Histogram({
    name: "hookgate_delivery_attempt_duration_seconds",
    help: "Duration of each delivery attempt made by this process (payload, token, POST), by outcome",
    labelNames: ["outcome"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [registry],
  });
  const publications = new Counter({
    name: "hookgate_publications_total",
    help: "Publications written by this process (source changes, publishEvent and operational notices), by hook type",
    labelNames: ["type"],
    registers: [registry],
  });
  const tokenFetches = new Counter({
    name: "hookgate_token_fetches_total",
    help: "OAuth2 token requests this process made to partners' token endpoints (cache hits are not fetches), by outcome",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const apiRequests = new Histogram({
    name: "hookgate_api_request_duration_seconds",
    help: "Duration of API requests (/graphql and doo's /v1 REST API) answered by this process, by operation type",
    labelNames: ["operation_type"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "hookgate_rate_limited_total",
    help: "API requests this process refused with 429 (HOOKGATE_API_RATE_LIMIT, HOOKGATE_AUTH_FAILURE_LIMIT)",
    registers: [registry],
  });
  // Every known series from zero: a rate() over a series that appears only at its first event misses that event.
  for (const status of deliveryStatuses) deliveries.inc({ status }, 0);
  for (const outcome of attemptOutcomes) attempts.zero({ outcome });
  for (const type of hookTypes) publications.inc({ type }, 0);
  for (const outcome of ["succeeded", "failed"]) tokenFetches.inc({ outcome }, 0);
  for (const type of ["query", "mutation", "rest"]) apiRequests.zero({ operation_type: type });
  if (options.pending) {
    registerPendingGauges(registry, options.pending, {
      timeoutMs: options.pendingTimeoutMs ?? 2_000,
      cacheMs: options.pendingCacheMs ?? 5_000,
    });
  }
  return {
    registry,
    roundRecorded: (status) => deliveries.inc({ status }),
    attemptMade: (outcome, durationMs) => attempts.observe({ outcome }, durationMs / 1000),
    published: (type, count = 1) => publications.inc({ type }, count),
    tokenFetched: (outcome) => tokenFetches.inc({ outcome }),
    apiRequest: (operationType, durationMs) => apiRequests.observe({ operation_type: operationType }, durationMs / 1000),
    rateLimited: () => rateLimited.inc(),
  };
}

function registerPendingGauges(
  registry: Registry,
  read: () => Promise<readonly PendingDeliveries[]>,
  limits: { timeoutMs: number; cacheMs: number },
): void {
  let cached: { at: number; rows: readonly PendingDeliveries[] } | null = null;
  // The one read under way: a scrape that gave up on it leaves it running, and the next scrape
  // waits for it rather than starting another beside it. A failure is not kept.
  let reading: Promise<readonly PendingDeliveries[] | null> | null = null;
  const current = (): Promise<readonly PendingDeliveries[] | null> => {
    if (cached && Date.now() - cached.at < limits.cacheMs) return Promise.resolve(cached.rows);
    reading ??= read().then(
      (rows) => {
        cached = { at: Date.now(), rows };
        return rows;
      },
      () => null,
    ).finally(() => (reading = null));
    // A database that does not answer (a black-holed network) must not hold the scrape.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(resolve, limits.timeoutMs, null).unref()));
    return Promise.race([reading, late]).finally(() => clearTimeout(timer));
  };
  const fill = async (gauge: Gauge<"status">, value: (row: PendingDeliveries) => number) => {
    gauge.reset();
    const rows = await current();
    if (!rows) return;
    // Both statuses always: no rows of a status is 0 pending, not a missing series.
    for (const status of ["PENDING", "RETRYING"]) {
      const row = rows.find((r) => r.status === status);
      gauge.set({ status }, row ? value(row) : 0);
    }
  };
  new Gauge({
    name: "hookgate_deliveries_pending",
    help: "Unfinished deliveries in the database (all processes), by status: PENDING (no round recorded yet) or RETRYING",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      await fill(this, (row) => row.count);
    },
  });
  new Gauge({
    name: "hookgate_oldest_pending_delivery_age_seconds",
    help: "How long the oldest unfinished delivery that is due (its next attempt's time passed) has waited to be sent, by status; 0 when none is due. Deliveries waiting on purpose (a retry's delay, an ordered lane, an open circuit, a rate limit) do not count",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      await fill(this, (row) => row.oldestDueAgeSeconds);
    },
  });
}
