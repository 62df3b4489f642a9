import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { publish } from "../src/publish/publish.js";
import { createPool, databaseOn } from "../src/store/database.js";
import { now, type ScenarioContext, type ScenarioMeasurement } from "./measurement.js";
import { ledgerOf, publicationOf, runWorkerUntilDone, windowOf } from "./scenarios.js";
import type { Target } from "./targets.js";

/**
 * Latency: the worker runs; publications are offered open-loop at `rate` per second for
 * `durationS`, each scheduled at t0 + i/rate and started then however long earlier ones take (one
 * transaction per publication, as a source change would). Latency = first arrival at the receiver
 * − scheduled time.
 */
export async function runLatency(ctx: ScenarioContext, target: Target, rate: number, durationS: number): Promise<ScenarioMeasurement> {
  await ctx.receiver.reset();
  const count = Math.round(rate * durationS);
  const scheduled = new Map<string, number>();
  const publicationIds = Array.from({ length: count }, () => randomUUID());
  let deliveries = 0;
  let lateStarts = 0;
  let maxStartLagMs = 0;
  let publishMs = 0;
  const publisher = databaseOn(createPool(ctx.databaseUrl, { max: 10 }));
  const rows0 = await ctx.stats.rowsWritten();

  const measured = await runWorkerUntilDone(ctx, target, () => deliveries, async () => {
    await sleep(300); // the worker settles: LISTEN in place, nothing queued
    const inFlight: Array<Promise<void>> = [];
    const t0 = now() + 20;
    for (let i = 0; i < count; ) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - now();
      if (wait > 1) await sleep(wait - 0.5);
      const current = now();
      // Everything due by now starts now: open loop, the schedule never waits for the database.
      while (i < count && t0 + (i * 1000) / rate <= current + 0.5) {
        const at = t0 + (i * 1000) / rate;
        const lag = current - at;
        if (lag > 5) lateStarts += 1;
        maxStartLagMs = Math.max(maxStartLagMs, lag);
        const id = publicationIds[i]!;
        scheduled.set(id, at);
        const n = i;
        inFlight.push(
          publisher
            .transaction()
            .execute((trx) => publish(trx, publicationOf(target, n, id)))
            .then((result) => {
              deliveries += result.deliveryCount;
            }),
        );
        i += 1;
      }
    }
    await Promise.all(inFlight);
    publishMs = now() - t0;
  });
  await publisher.destroy();
  const rows1 = await ctx.stats.rowsWritten();

  const { ledger, arrivals, rows } = await ledgerOf(ctx, target, deliveries);
  const samples: number[] = [];
  let neverArrived = 0;
  for (const row of rows) {
    const arrival = arrivals.get(row.id);
    const at = scheduled.get(row.publication_id);
    if (!arrival || at === undefined) neverArrived += 1;
    else samples.push(arrival.first - at);
  }
  const window = await windowOf(ctx, target);
  return {
    name: target.name,
    fanOut: target.groups,
    events: count,
    deliveries,
    ledger,
    elapsedMs: window.elapsedMs,
    deliveriesPerSecond: (deliveries * 1000) / window.elapsedMs,
    attempts: window.attempts,
    publish: { elapsedMs: publishMs, eventsPerSecond: (count * 1000) / publishMs, rowsWritten: NaN },
    worker: { ...measured.worker, rowsWritten: rows1 - rows0 },
    receiver: measured.receiver,
    machineCpuMs: measured.machineCpuMs,
    latency: { offeredPerSecond: rate, durationS, samples, lateStarts, maxStartLagMs, neverArrived },
    timedOut: measured.timedOut,
  };
}
