import type { ScheduleSpec } from "./schedule.js";

/** How big a run is and how hard it is hit. */
export interface Profile extends ScheduleSpec {
  readonly name: "quick" | "full";
  /** Offered through publishEvent, evenly over `offeringMs`. */
  readonly publications: number;
  /** After the offering phase: how long to wait, at most, for every expected delivery. */
  readonly drainMs: number;
}

/**
 * --quick fits in under three minutes with the cluster's start (CI runs it): one window of each
 * kind, a worker killed twice. The token endpoint's window outlasts the time a token is used
 * (tokenLifetimeS less hookgate's early refresh), so a new token must be asked for while it is down.
 */
export const quick: Profile = {
  name: "quick",
  publications: 1_000,
  offeringMs: 60_000,
  // The last window ends 3 s before the offering does; a stall's open circuit (30 s) and the
  // retry schedule's 10 s steps settle well within this.
  drainMs: 60_000,
  workers: 2,
  faults: {
    "kill-worker": { count: 2, lengthMs: [1_000, 4_000] },
    "restart-postgres": { count: 1, lengthMs: [500, 3_000] },
    "partner-5xx": { count: 1, lengthMs: [3_000, 8_000] },
    "partner-stall": { count: 1, lengthMs: [3_000, 6_000] },
    "token-down": { count: 1, lengthMs: [8_000, 10_000] },
  },
};

export const full: Profile = {
  name: "full",
  publications: 10_000,
  offeringMs: 240_000,
  drainMs: 240_000,
  workers: 3,
  faults: {
    "kill-worker": { count: 8, lengthMs: [1_000, 5_000] },
    "restart-postgres": { count: 3, lengthMs: [500, 5_000] },
    "partner-5xx": { count: 3, lengthMs: [3_000, 12_000] },
    "partner-stall": { count: 2, lengthMs: [3_000, 8_000] },
    "token-down": { count: 2, lengthMs: [8_000, 16_000] },
  },
};

/** The partner's tokens live this long, so hookgate asks for new ones throughout a run. */
export const tokenLifetimeS = 8;

/**
 * hookgate's settings for every process of a run: retries quick enough that everything can be
 * delivered before the drain deadline, yet spanning longer (≈ 85 s) than any fault window; a
 * delivery timeout shorter than a stall; a killed worker's jobs released within seconds.
 */
export const hookgateSettings: Readonly<Record<string, string>> = {
  HOOKGATE_RETRY_SCHEDULE: "500ms,1s,2s,4s,8s,10s,10s,10s,10s,10s,10s,10s",
  HOOKGATE_DELIVERY_TIMEOUT: "2s",
  HOOKGATE_WORKER_STALE_AFTER: "5s",
  HOOKGATE_WORKER_CONCURRENCY: "50",
  HOOKGATE_WORKER_POLL_INTERVAL: "500ms",
  HOOKGATE_ALLOW_PRIVATE_TARGETS: "true",
  LOG_LEVEL: "info",
};
