import type { DeliveryToSend } from "../../store/delivery.repository.js";
import type { DeliverJob } from "../../store/jobs.js";
import { type GroupSeen, type NewAttempt, recordAttempts } from "../../store/record-attempts.js";
import { retryTransient } from "../../store/transient.js";
import type { WorkerContext } from "../worker-context.js";
import type { Decision } from "./decide.js";

/**
 * Step 5: the round's attempts, the delivery's new state and the next round's job, in one
 * statement. The partner may have the request already, so a busy or restarting database is
 * waited out rather than failing the job (which would send again). Answers the group as the
 * statement saw it; null: another worker's round of this delivery was recorded first, and this
 * one changed nothing.
 */
export async function record(
  context: WorkerContext,
  delivery: DeliveryToSend,
  job: DeliverJob,
  attempts: readonly NewAttempt[],
  decision: Decision,
): Promise<GroupSeen | null> {
  const { db } = context.services;
  return retryTransient(() =>
    recordAttempts(db, delivery.id, job.attemptsRecorded, attempts, { status: decision.status, retry: decision.retry }),
  );
}
