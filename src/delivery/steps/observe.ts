import type { AttemptOutcome } from "../../observability/metrics.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import type { NewAttempt } from "../../store/record-rounds.js";
import { isThrottled, parseRetryAfter } from "../retry/retry-policy.js";
import type { WorkerContext } from "../worker-context.js";
import type { Decision } from "./decide.js";

/**
 * Step 6, once the round is recorded: each attempt logged once and measured, and the round counted
 * by the status it left the delivery in. A round another worker recorded first (`recorded`
 * false) changed nothing, so it is not counted; its attempts were still made, and are logged and
 * measured. The log line carries ids, numbers and the attempt's error as the delivery log shows
 * it: never the payload, a header value, a token or a secret.
 */
export function observeRound(
  context: WorkerContext,
  delivery: DeliveryToSend,
  attempts: readonly NewAttempt[],
  decision: Decision,
  recorded: boolean,
): void {
  const { logger, metrics } = context.services;
  // The hot path: the line is not even built when info is off (the benchmark runs at warn).
  const logging = logger.isLevelEnabled("info");
  for (const attempt of attempts) {
    const outcome = outcomeOf(attempt);
    metrics.attemptMade(outcome, attempt.durationMs);
    if (!logging) continue;
    logger.info(
      {
        deliveryId: delivery.id,
        groupId: delivery.webhook_group_id,
        organizationId: delivery.organization_id,
        hookType: delivery.type,
        attempt: attempt.number,
        outcome,
        httpStatus: attempt.responseStatus,
        durationMs: attempt.durationMs,
        ...(attempt.error === null ? {} : { error: attempt.error }),
        ...(attempt === attempts.at(-1) && recorded ? { deliveryStatus: decision.status } : {}),
      },
      "delivery attempt",
    );
  }
  if (recorded) metrics.roundRecorded(decision.status);
}

function outcomeOf(attempt: NewAttempt): AttemptOutcome {
  const status = attempt.responseStatus;
  if (status === null) return Object.keys(attempt.requestHeaders).length === 0 ? "not_sent" : "no_answer";
  if (status >= 200 && status < 300) return "succeeded";
  if (status === 410) return "gone";
  const retryAfterMs = parseRetryAfter(attempt.responseHeaders?.["retry-after"], attempt.startedAt);
  if (isThrottled({ status, retryAfterMs })) return "throttled";
  return "failed";
}
