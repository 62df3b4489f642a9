import { formatDuration } from "../../duration.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import { recordGroupHealth } from "../../store/webhook-group-state.js";
import type { WorkerContext } from "../worker-context.js";
import type { Decision } from "./decide.js";

/**
 * Step 6: what the round says about its group. A group whose every attempt has failed for
 * HOOKGATE_AUTO_DISABLE_AFTER is switched off (Duro and Svix do the same) rather than hammered
 * for days; any success clears the failure clock. Tests and unsent deliveries say nothing.
 *
 * Its own statement, after the round is recorded: a crash in between loses one round's word on
 * health, which the next round gives again. Skipped when nothing would change, so a healthy
 * group costs no statement: the row loaded with the delivery says whether the group is failing.
 */
export async function updateGroupHealth(context: WorkerContext, delivery: DeliveryToSend, decision: Decision): Promise<void> {
  if (delivery.is_test) return;
  const { config, db } = context.services;
  const failingSince = delivery.group_failing_since;
  if (decision.succeeded && failingSince === null) return;
  // The database's clock decides; this only skips what is surely too early (a minute's margin for clocks apart).
  const maybeTooLong = failingSince !== null && failingSince.getTime() + config.autoDisableAfterMs - 60_000 <= Date.now();
  if (!decision.succeeded && failingSince !== null && (!maybeTooLong || !delivery.group_enabled)) return;
  await recordGroupHealth(db, {
    groupId: delivery.webhook_group_id,
    succeeded: decision.succeeded,
    disableAfterMs: config.autoDisableAfterMs,
    reason: `every delivery attempt failed for ${formatDuration(config.autoDisableAfterMs)} (HOOKGATE_AUTO_DISABLE_AFTER)`,
  });
}
