import { setTimeout as sleep } from "node:timers/promises";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import { claimLane } from "../../store/delivery-lanes.js";
import { reserveSendTime } from "../../store/endpoint-rate-limits.js";
import { defaultInitializationPerSecond } from "../../store/initialization.repository.js";
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

/**
 * Test deliveries and an initialization's (a backfill of what already existed: hundreds queued
 * ahead, paced over minutes, some failing for good) stay out of an ordered group's lanes, so
 * that neither holds up what the group's live changes send.
 */
function isInLane(delivery: DeliveryToSend): boolean {
  return delivery.group_ordered && !delivery.is_test && delivery.initialization_id === null;
}

/**
 * A rate-limited group's turn, taken before anything else is spent on the round: a send time
 * reserved on the database (shared by every worker process: see reserveSendTime) if one is free
 * within a second, answered as the local time to send at; otherwise when to look again, the
 * round going back to the queue without a reservation. So a delivery holds a worker slot for at
 * most a second waiting for its time, and its signature is made just before it leaves.
 */
export async function rateLimitTurn(context: WorkerContext, delivery: DeliveryToSend): Promise<{ sendAt: number } | { later: Date } | null> {
  const request = rateLimited(delivery);
  if (!request) return null;
  const time = await retryTransient(() => reserveSendTime(context.services.db, request, maxHoldMs));
  return time.reserved ? { sendAt: Date.now() + time.waitMs } : { later: new Date(Date.now() + time.retryInMs + jitter()) };
}

const maxHoldMs = 1_000;

/**
 * Just before a rate-limited request leaves: waits for its reserved time. Times are spaced 10%
 * wider than 1 s / limit, which leaves 100 ms of lateness before a request could crowd the next
 * ones into one second: half of it for the way to the partner, so a request later than
 * `maxLateMs` (a slow origin, a token fetched), or one with no time yet (the retry after a 401),
 * takes a new time, waiting for it however far it is.
 */
export async function waitForSendTime(context: WorkerContext, delivery: DeliveryToSend, sendAt: number | null): Promise<void> {
  const request = rateLimited(delivery);
  if (!request) return;
  let at = sendAt;
  for (;;) {
    if (at !== null) {
      if (at > Date.now()) await sleep(at - Date.now());
      if (Date.now() - at <= maxLateMs) return;
    }
    const time = await retryTransient(() => reserveSendTime(context.services.db, request, 60_000));
    at = time.reserved ? Date.now() + time.waitMs : null;
    if (!time.reserved) await sleep(time.retryInMs);
  }
}

const maxLateMs = 50;

/**
 * The group's limit; an initialization's delivery (a backfill) goes at the default pace when the
 * group has none, sharing nothing with its live deliveries, which are not limited then.
 */
function rateLimited(delivery: DeliveryToSend) {
  const perSecond =
    delivery.group_max_requests_per_second ?? (delivery.initialization_id !== null ? defaultInitializationPerSecond : null);
  return perSecond === null ? null : { groupId: delivery.webhook_group_id, endpoint: delivery.hook_endpoint, perSecond };
}

/** Rounds sent back together do not all come back in the same millisecond. */
function jitter(): number {
  return Math.floor(Math.random() * 100);
}
