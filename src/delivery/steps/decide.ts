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
  /** The partner asked to wait (429, 503 with Retry-After): busy, not failing, so the group's health learns nothing. */
  readonly throttled: boolean;
}

/** A delivery that will not be sent (its group was deleted or disabled): failed, nothing follows. */
export const notSent: Decision = { status: "FAILED", retry: null, succeeded: false, throttled: false };

/**
 * Step 4: the retry policy applied to how the round ended: a 2xx succeeded, 410 is gone, a failure
 * is retried at the next round of the schedule until its rounds run out, and a throttled attempt
 * is tried again at the partner's Retry-After in the same round, until the schedule's span since
 * `scheduleStartedAt` has passed.
 */
export function decide(
  job: DeliverJob,
  outcome: AttemptOutcome,
  config: Pick<Config, "retrySchedule">,
  now: Date,
  scheduleStartedAt: Date | null,
): Decision {
  const next = nextAttempt({ round: job.round, outcome, schedule: config.retrySchedule, now, scheduleStartedAt });
  switch (next.kind) {
    case "succeeded":
      return { status: "SUCCEEDED", retry: null, succeeded: true, throttled: false };
    case "gone":
      return { status: "GONE", retry: null, succeeded: false, throttled: false };
    case "failed":
      return { status: "FAILED", retry: null, succeeded: false, throttled: next.throttled };
    case "retry": {
      const round = next.throttled ? job.round : job.round + 1;
      return { status: "RETRYING", retry: { at: next.at, round }, succeeded: false, throttled: next.throttled };
    }
  }
}
