import type { DeliveryToSend } from "../../store/delivery.repository.js";
import type { DeliverJob } from "../../store/jobs.js";
import type { GroupSeen, NewAttempt } from "../../store/record-rounds.js";
import { stepSpan } from "../delivery-spans.js";
import type { WorkerContext } from "../worker-context.js";
import { type Decision, notSent } from "./decide.js";

/**
 * Step 5: the round's attempts, the delivery's new state, the payload built for it and the next
 * round's job, in one statement shared with the other rounds that ended at the same moment.
 * Answers the group as the statement saw it; null: another worker's round of this delivery was
 * recorded first, and this one changed nothing.
 */
export async function record(
  context: WorkerContext,
  delivery: DeliveryToSend,
  job: DeliverJob,
  round: { attempts: readonly NewAttempt[]; payload: { body: string; errors: unknown } | null },
  decision: Decision,
): Promise<GroupSeen | null> {
  return stepSpan("record", (span) => {
    span.setAttribute("hookgate.delivery.status", decision.status.toLowerCase());
    return context.batches.recordRound({
      deliveryId: delivery.id,
      attemptsRecorded: job.attemptsRecorded,
      attempts: round.attempts,
      outcome: { status: decision.status, retry: decision.retry },
      payload: round.payload,
      // A round never sent (its group deleted or disabled) ends FAILED too, but used up no schedule.
      scheduleRanOut: decision.status === "FAILED" && decision !== notSent,
    });
  });
}
