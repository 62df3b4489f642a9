import { setTimeout as sleep } from "node:timers/promises";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import { claimLane } from "../../store/delivery-lanes.js";
import { retryTransient } from "../../store/transient.js";
import type { WorkerContext } from "../worker-context.js";

/**
 * An ordered group's delivery goes only when nothing is ahead of it on its endpoint (same group,
 * same endpoint, created earlier, unfinished: sending, or waiting for a retry). Answers null when
 * it may go; otherwise when to look again: after the next retry of the one at the head, plus a
 * little per delivery ahead, so a long lane is not polled all at once.
 */
export async function laneWait(context: WorkerContext, delivery: DeliveryToSend): Promise<Date | null> {
  if (!isInLane(delivery)) return null;
  const position = await context.batches.lanePosition(delivery.id);
  if (position.ahead === 0) return null;
  const from = Math.max(Date.now(), position.headNextAttemptAt?.getTime() ?? 0);
  return new Date(from + (position.ahead >= 100 ? 60_000 : position.ahead * lanePollMs));
}

const lanePollMs = 200;

/**
 * The lane's claim for this delivery, taken just before it is sent (see claimLane): null when it
 * holds the lane (or is in none), otherwise when to look again. Held for longer than a round can
 * take, so that only a worker that died mid-send lets it expire.
 */
export async function claimLaneTurn(context: WorkerContext, delivery: DeliveryToSend): Promise<Date | null> {
  if (!isInLane(delivery)) return null;
  const { deliveryTimeoutMs } = context.services.config;
  const lane = { groupId: delivery.webhook_group_id, endpoint: delivery.hook_endpoint, deliveryId: delivery.id };
  const claimed = await retryTransient(() => claimLane(context.services.db, { ...lane, holdMs: 3 * deliveryTimeoutMs + 60_000 }));
  return claimed ? null : new Date(Date.now() + lanePollMs);
}

function isInLane(delivery: DeliveryToSend): boolean {
  return delivery.group_ordered && !delivery.is_test;
}

/**
 * A rate-limited group's request waits for a send time reserved on the database (shared by every
 * worker process: see reserveSendTimes). Times are spaced 10% wider than 1 s / limit, which
 * leaves 100 ms of lateness before a request could crowd the next ones into one second: half of
 * it for the way to the partner (a new connection, a busy event loop), so a request that would
 * leave later than `maxLateMs` after its time takes a new time instead.
 */
export async function waitForSendTime(context: WorkerContext, delivery: DeliveryToSend): Promise<void> {
  const perSecond = delivery.group_max_requests_per_second;
  if (perSecond === null) return;
  const request = { groupId: delivery.webhook_group_id, endpoint: delivery.hook_endpoint, perSecond };
  for (;;) {
    const at = (await context.batches.reserveSendTime(request)).getTime();
    if (at > Date.now()) await sleep(at - Date.now());
    if (Date.now() - at <= maxLateMs) return;
  }
}

const maxLateMs = 50;
