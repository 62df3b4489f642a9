import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { publish } from "../src/publish/publish.js";
import { createPool, databaseOn } from "../src/store/database.js";
import { startBenchWorker } from "./hookgate.js";
import { now, type ScenarioContext } from "./measurement.js";
import { publicationOf, publishUpFront } from "./scenarios.js";
import type { Target } from "./targets.js";

export interface IsolationMeasurement {
  /** Deliveries queued ahead to the endpoint that never answers, and to the one that answers after 2 s. */
  queuedAhead: { hanging: number; slow: number };
  /** Publication → arrival of the healthy organization's delivery; null when it did not arrive within `waitMs`. */
  healthyDeliveryMs: number | null;
  waitMs: number;
}

/**
 * Fairness between tenants: one organization's deliveries queued to an endpoint that never answers,
 * another's to one that answers after 2 s, then a third organization publishes to a healthy
 * endpoint while the worker is busy with them. How long until that delivery arrives?
 */
export async function runIsolation(
  ctx: ScenarioContext,
  targets: { hanging: Target; slow: Target; healthy: Target },
  queued: number,
  waitMs: number,
): Promise<IsolationMeasurement> {
  const publisher = databaseOn(createPool(ctx.databaseUrl, { max: 4 }));
  const worker = await startBenchWorker(ctx.setup);
  try {
    const hanging = await publishUpFront(publisher, targets.hanging, queued);
    const slow = await publishUpFront(publisher, targets.slow, queued);
    await sleep(1_000); // every slot of the worker taken by now
    const publicationId = randomUUID();
    const publishedAt = now();
    await publisher.transaction().execute((trx) => publish(trx, publicationOf(targets.healthy, 0, publicationId)));
    const [row] = await ctx.stats.query<{ id: string }>("select id from deliveries where publication_id = $1", [publicationId]);
    let healthyDeliveryMs: number | null = null;
    while (row && now() - publishedAt < waitMs) {
      const arrival = (await ctx.receiver.arrivals()).get(row.id);
      if (arrival) {
        healthyDeliveryMs = arrival.first - publishedAt;
        break;
      }
      await sleep(50);
    }
    return { queuedAhead: { hanging, slow }, healthyDeliveryMs, waitMs };
  } finally {
    await worker.stop();
    await publisher.destroy();
  }
}
