import type { DeliveryToSend } from "../store/delivery.repository.js";
import type { DeliverJob } from "../store/jobs.js";
import type { NewAttempt } from "../store/record-rounds.js";
import type { AttemptOutcome } from "./retry/retry-policy.js";
import { partnerAnswered, unansweredAttempt } from "./attempt.js";
import { payloadSpan, roundEnded, roundSpan } from "./delivery-spans.js";
import { buildPayload } from "./steps/build-payload.js";
import { claimLaneTurn, laneWait, rateLimitTurn } from "./steps/pace.js";
import { decide, notSent } from "./steps/decide.js";
import { updateGroupHealth } from "./steps/group-health.js";
import { observeRound } from "./steps/observe.js";
import { record } from "./steps/record.js";
import { sendRefreshingToken } from "./steps/send.js";
import type { WorkerContext } from "./worker-context.js";

/**
 * One round of a delivery, the deliver task: wait its turn (an ordered group's lane; the
 * endpoint's slots and circuit) → build payload → prepare request → send (at a rate-limited
 * endpoint's reserved time; a 401 refreshes the token once) → decide → record → observe (log
 * and metrics) → group health.
 * Waiting its turn puts the round back in the queue for later without an attempt; otherwise
 * every step's failure is an attempt in the log, and the round ends recorded: succeeded, gone,
 * failed, or the next round queued.
 */
export async function deliver(context: WorkerContext, job: DeliverJob): Promise<void> {
  const delivery = await context.batches.loadDelivery(job.deliveryId);
  // Finished, or this round is already recorded (a duplicate job after a crash): nothing to do.
  if (!delivery || delivery.finished_at !== null || delivery.attempt_count !== job.attemptsRecorded) return;

  const stopped = whyNotSent(delivery);
  if (stopped) {
    const attempt = unansweredAttempt(delivery, job.attemptsRecorded + 1, new Date(), { error: stopped, note: null });
    await roundSpan(delivery, job, async (span) => {
      roundEnded(span, [attempt], notSent);
      const recorded = await record(context, delivery, job, { attempts: [attempt], payload: null }, notSent);
      observeRound(context, delivery, [attempt], notSent, recorded !== null);
    });
    return;
  }
  const later = (runAt: Date) =>
    context.batches.deferRound({ deliveryId: delivery.id, round: job.round, attemptsRecorded: job.attemptsRecorded, runAt });
  const behind = await laneWait(context, delivery);
  if (behind) return later(behind);
  const rateTurn = await rateLimitTurn(context, delivery);
  if (rateTurn && "later" in rateTurn) return later(rateTurn.later);
  const sendAt = rateTurn?.sendAt ?? null;
  const pass = await context.gate.enter(delivery.hook_endpoint);
  if (!pass.ok) return later(pass.until);
  let laneHeld: Date | null;
  try {
    laneHeld = await claimLaneTurn(context, delivery);
  } catch (error) {
    pass.settle(null);
    throw error;
  }
  if (laneHeld) {
    pass.settle(null);
    return later(laneHeld);
  }
  await roundSpan(delivery, job, async (span) => {
    const round = await attemptRound(context, delivery, sendAt);
    pass.settle(partnerAnswered(round.attempts));
    // The schedule's span counts from its first attempt: this round's, if it is the first.
    const scheduleStartedAt = delivery.schedule_started_at ?? round.attempts[0]?.startedAt ?? null;
    const decision = decide(job, round.outcome, context.services.config, new Date(), scheduleStartedAt);
    roundEnded(span, round.attempts, decision);
    const group = await record(context, delivery, job, round, decision);
    observeRound(context, delivery, round.attempts, decision, group !== null);
    if (group) await updateGroupHealth(context, delivery, decision, group);
  });
}

/**
 * Deleting a group stops what it still had queued; so does disabling it (by hand, or after failing
 * for days), except tests. recoverDeliveries sends them once it is back on.
 */
function whyNotSent(delivery: DeliveryToSend): string | null {
  if (delivery.group_deleted_at !== null) return "not sent: the webhook group was deleted";
  if (!delivery.group_enabled && !delivery.is_test) return "not sent: the webhook group was disabled";
  return null;
}

/** The round's attempts, in the order made, how the last one ended, and the payload it built. */
async function attemptRound(
  context: WorkerContext,
  delivery: DeliveryToSend,
  sendAt: number | null,
): Promise<{ attempts: NewAttempt[]; outcome: AttemptOutcome; payload: { body: string; errors: unknown } | null }> {
  const startedAt = new Date();
  const attempts: NewAttempt[] = [];
  let payload: { body: string; errors: unknown } | null = null;
  const failed = (error: string, at: Date) => {
    attempts.push(unansweredAttempt(delivery, delivery.attempt_count + attempts.length + 1, at, { error, note: null }));
    return { attempts, outcome: {}, payload };
  };
  try {
    const built = await payloadSpan(delivery, () => buildPayload(context, delivery));
    if (!built.ok) return failed(built.error, startedAt);
    payload = built.toStore;
    const payloadToSend = { body: built.payload, note: built.note };
    const outcome = await sendRefreshingToken(context, delivery, payloadToSend, attempts, startedAt, sendAt);
    return { attempts, outcome, payload };
  } catch (error) {
    // Whatever went wrong is an attempt in the log and a retry on the schedule, never a job that
    // crashes until the queue gives up with the delivery still pending.
    context.services.logger.error({ err: error, deliveryId: delivery.id }, "a delivery attempt failed unexpectedly");
    return failed(`internal error: ${(error as Error).message}`, new Date());
  }
}
