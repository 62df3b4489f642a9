import { parseCronItems, type ParsedCronItem, type Task } from "graphile-worker";
import type { Config } from "../../config.js";
import type { Services } from "../../services.js";
import { taskNames } from "../../store/jobs.js";
import { runRetention } from "./run-retention.js";

/** The cron item's identifier: graphile-worker schedules each hour's run once, whichever worker sees it first. */
export const retentionCronIdentifier = "hookgate_retention";

/**
 * Retention runs every hour at :17 (away from the top of the hour, when other jobs pile up), on
 * one worker at a time: its queue name makes a run wait for the one before, and its job key keeps
 * a single run waiting behind it. A missed hour is not made up (no backfill): the next run deletes
 * all that is old by then. With HOOKGATE_RETENTION=off nothing is scheduled.
 */
export function retentionCronItems(config: Config): ParsedCronItem[] {
  if (config.retentionMs === null) return [];
  return parseCronItems([
    {
      task: taskNames.retention,
      identifier: retentionCronIdentifier,
      match: "17 * * * *",
      options: { backfillPeriod: 0, queueName: retentionCronIdentifier, jobKey: retentionCronIdentifier, maxAttempts: 3 },
    },
  ]);
}

/**
 * The retention task. It stops between two batches as soon as the worker begins to stop (not
 * only when graphile-worker gives up waiting on it), and ends successfully then: the next hour's
 * run carries on where it stopped.
 */
export function retentionTask(services: Services, stopping: AbortSignal): Task {
  return async (_payload, helpers) => {
    const signal = AbortSignal.any([stopping, helpers.abortSignal]);
    const run = await runRetention(services.db, { retentionMs: services.config.retentionMs, signal });
    const deleted = run.deliveries + run.attempts + run.idempotencyKeys + run.publications + run.initializations;
    if (deleted > 0) services.logger.info({ retention: run }, "retention: deleted what was older than HOOKGATE_RETENTION");
  };
}
