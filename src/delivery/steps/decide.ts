import type { Config } from "../../config.js";
import type { DeliverJob } from "../../store/jobs.js";
import type { DeliveryStatus } from "../../store/tables.js";
import { type AttemptOutcome, nextAttempt } from "../retry/retry-policy.js";

/** What follows a round: the delivery's new status, and the next round if there is one. */
export interface Decision {
  readonly status: DeliveryStatus;
  readonly retry: { readonly at: Date; readonly round: number } | null;
  /** Whether the round delivered: what the group's health learns from it. */
  readonly succeeded: boolean;
}

/** A delivery that will not be sent (its group was deleted or disabled): failed, nothing follows. */
export const notSent: Decision = { status: "FAILED", retry: null, succeeded: false };

/**
 * Step 4: the retry policy applied to how the round ended: a 2xx succeeded, 410 is gone, anything
 * else is retried on the schedule (or at the partner's Retry-After) until the schedule runs out.
 */
export function decide(job: DeliverJob, outcome: AttemptOutcome, config: Pick<Config, "retrySchedule">, now: Date): Decision {
  const next = nextAttempt({ round: job.round, outcome, schedule: config.retrySchedule, now });
  switch (next.kind) {
    case "succeeded":
      return { status: "SUCCEEDED", retry: null, succeeded: true };
    case "gone":
      return { status: "GONE", retry: null, succeeded: false };
    case "failed":
      return { status: "FAILED", retry: null, succeeded: false };
    case "retry":
      return { status: "RETRYING", retry: { at: next.at, round: job.round + 1 }, succeeded: false };
  }
}
