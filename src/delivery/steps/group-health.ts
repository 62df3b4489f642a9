import { formatDuration } from "../../duration.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import type { GroupSeen } from "../../store/record-rounds.js";
import { retryTransient } from "../../store/transient.js";
import { recordGroupHealth } from "../../store/webhook-group-state.js";
import type { WorkerContext } from "../worker-context.js";
import type { Decision } from "./decide.js";

/**
 * What a round says about its group's health, given the group as the recording statement saw
 * it: "clear" the failure clock after a success, "start" it at a failure, "disable" the group
 * once every attempt has failed for `disableAfterMs`; null when nothing changes, which is what
 * a healthy group's rounds cost: no statement at all.
 */
export function healthChange(succeeded: boolean, group: GroupSeen, disableAfterMs: number): "clear" | "start" | "disable" | null {
  if (succeeded) return group.failingForMs === null ? null : "clear";
  if (group.failingForMs === null) return "start";
  return group.enabled && group.failingForMs > disableAfterMs ? "disable" : null;
}

/**
 * Step 6: a group whose every attempt has failed for HOOKGATE_AUTO_DISABLE_AFTER is switched off
 * (Duro and Svix do the same) rather than hammered for days; any success clears the failure
 * clock. Tests, unsent deliveries and throttled rounds say nothing. Its own statement, after the round is
 * recorded, and only when something changes; the statement checks again on the database's
 * clock, so a round racing this one cannot make it wrong. A database that stays down past
 * the transient waits makes this a logged error rather than a failed job: the round is recorded
 * (running it again would change nothing), and only this round's word on health is lost.
 */
export async function updateGroupHealth(
  context: WorkerContext,
  delivery: DeliveryToSend,
  decision: Decision,
  group: GroupSeen,
): Promise<void> {
  const { config, db, logger, metrics } = context.services;
  // A throttling partner is busy, not failing: its rounds neither start nor clear the failure clock.
  if (delivery.is_test || decision.throttled || healthChange(decision.succeeded, group, config.autoDisableAfterMs) === null) return;
  const health = {
    groupId: delivery.webhook_group_id,
    succeeded: decision.succeeded,
    disableAfterMs: config.autoDisableAfterMs,
    reason: `every delivery attempt failed for ${formatDuration(config.autoDisableAfterMs)} (HOOKGATE_AUTO_DISABLE_AFTER)`,
  };
  try {
    const announced = await retryTransient(() => recordGroupHealth(db, health));
    if (announced > 0) metrics.published("GROUP_DISABLED", announced);
  } catch (error) {
    logger.error({ err: error, groupId: health.groupId }, "recording a webhook group's health failed");
  }
}
