import { setTimeout as sleep } from "node:timers/promises";
import { publish } from "../src/publish/publish.js";
import { createPool, databaseOn, type Db } from "../src/store/database.js";
import { type Ledger, machineBusyMs, now, type ScenarioContext, type ScenarioMeasurement } from "./measurement.js";
import { startCpuProfile } from "./profile.js";
import type { Target } from "./targets.js";
import { prepareWorkers, type WorkerCosts } from "./worker-processes.js";

export function publicationOf(target: Target, i: number, publicationId?: string) {
  return {
    organizationId: target.organizationId,
    type: "EVENT_UPDATED" as const,
    eventId: target.eventIds[i % target.eventIds.length]!,
    orderId: null,
    mode: "LIVE" as const,
    ...(publicationId ? { publicationId } : {}),
  };
}

/** Publishes `events` publications in transactions of `batch`, through publish() (the same SQL publishEvent runs). */
export async function publishUpFront(db: Db, target: Target, events: number, batch = 100, chains = 2): Promise<number> {
  let deliveries = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: chains }, async () => {
      while (next < events) {
        const offset = next;
        const size = Math.min(batch, events - offset);
        next += size;
        const created = await db.transaction().execute(async (trx) => {
          let count = 0;
          for (let i = 0; i < size; i++) count += (await publish(trx, publicationOf(target, offset + i))).deliveryCount;
          return count;
        });
        deliveries += created;
      }
    }),
  );
  return deliveries;
}

/** Resolves when every delivery of the organization is finished (or `deadline` passes: false). */
async function waitUntilFinished(ctx: ScenarioContext, target: Target, expected: number, deadline: number): Promise<boolean> {
  // The receiver first (cheap, no load on the database), then the database for the last records.
  while (now() < deadline) {
    const { delivered } = await ctx.receiver.stats();
    if (delivered >= expected) break;
    await sleep(25);
  }
  while (now() < deadline) {
    const [row] = await ctx.stats.query<{ open: number }>(
      "select count(*)::int as open from deliveries where organization_id = $1 and finished_at is null",
      [target.organizationId],
    );
    if ((row?.open ?? 1) === 0) return true;
    await sleep(20);
  }
  return false;
}

export async function ledgerOf(ctx: ScenarioContext, target: Target, published: number) {
  const arrivals = await ctx.receiver.arrivals();
  const rows = await ctx.stats.query<{ id: string; publication_id: string; status: string }>(
    "select id, publication_id, status from deliveries where organization_id = $1",
    [target.organizationId],
  );
  let delivered = 0;
  let duplicates = 0;
  for (const row of rows) {
    const arrival = arrivals.get(row.id);
    if (arrival && arrival.ok > 0 && row.status === "SUCCEEDED") delivered += 1;
    if (arrival && arrival.ok > 1) duplicates += arrival.ok - 1;
  }
  // What the publisher counted must be what the database holds; anything else voids the run too.
  if (rows.length !== published) ctx.log(`  ${target.name}: publish() reported ${published} deliveries, the database holds ${rows.length}`);
  const total = Math.max(published, rows.length);
  const ledger: Ledger = { published: total, delivered, missing: total - delivered, duplicates };
  return { ledger, arrivals, rows };
}

export async function windowOf(ctx: ScenarioContext, target: Target) {
  const [row] = await ctx.stats.query<{ first: Date | null; last: Date | null; attempts: number }>(
    `select (select min(a.started_at) from delivery_attempts a join deliveries d on d.id = a.delivery_id
             where d.organization_id = $1) as first,
            (select max(finished_at) from deliveries where organization_id = $1) as last,
            (select count(*)::int from delivery_attempts a join deliveries d on d.id = a.delivery_id
             where d.organization_id = $1) as attempts`,
    [target.organizationId],
  );
  const elapsedMs = row?.first && row.last ? row.last.getTime() - row.first.getTime() : NaN;
  return { elapsedMs, attempts: row?.attempts ?? 0 };
}

/**
 * Throughput: `events` publications are committed up front with no worker running, then hookgate's
 * worker starts and drains them. deliveries/s = deliveries / (last recorded − first attempt).
 * Publishing first keeps the publisher's CPU and SQL out of the worker's figures.
 */
export async function runThroughput(
  ctx: ScenarioContext,
  target: Target,
  events: number,
  cpuProfileFile?: string,
): Promise<ScenarioMeasurement> {
  await ctx.receiver.reset();
  const rows0 = await ctx.stats.rowsWritten();
  const publisher = databaseOn(createPool(ctx.databaseUrl, { max: 2 }));
  const publishStarted = now();
  const deliveries = await publishUpFront(publisher, target, events);
  const publishMs = now() - publishStarted;
  await publisher.destroy();
  const rows1 = await ctx.stats.rowsWritten();
  ctx.log(`  ${target.name}: published ${events} events → ${deliveries} deliveries in ${Math.round(publishMs)} ms; worker starting`);

  const profiler = cpuProfileFile ? await startCpuProfile() : null;
  const measured = await runWorkerUntilDone(ctx, target, deliveries, async () => {});
  await profiler?.stop(cpuProfileFile!);
  const rows2 = await ctx.stats.rowsWritten();
  const { ledger } = await ledgerOf(ctx, target, deliveries);
  const window = await windowOf(ctx, target);
  return {
    name: target.name,
    fanOut: target.groups,
    events,
    deliveries,
    ledger,
    elapsedMs: window.elapsedMs,
    deliveriesPerSecond: (deliveries * 1000) / window.elapsedMs,
    attempts: window.attempts,
    publish: { elapsedMs: publishMs, eventsPerSecond: (events * 1000) / publishMs, rowsWritten: rows1 - rows0 },
    worker: { ...measured.worker, rowsWritten: rows2 - rows1 },
    receiver: measured.receiver,
    machineCpuMs: measured.machineCpuMs,
    timedOut: measured.timedOut,
  };
}

/** Starts the worker(s), runs `during` (the open-loop publisher), waits for every delivery, stops them. */
export async function runWorkerUntilDone(
  ctx: ScenarioContext,
  target: Target,
  expected: number | (() => number),
  during: () => Promise<void>,
) {
  const receiverCpu0 = await ctx.receiver.stats();
  const tokens0 = ctx.tokens.fetches;
  await ctx.stats.resetStatements();
  // Worker processes are spawned and their modules loaded before the window opens.
  const workers = await prepareWorkers(ctx);
  const machine0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  let timedOut = false;
  let cpu: NodeJS.CpuUsage;
  let pgssCalls: number | null;
  let machineCpuMs: number;
  let costs: WorkerCosts;
  try {
    await workers.start();
    await during();
    const total = typeof expected === "number" ? expected : expected();
    const deadline = now() + Math.max(60_000, total * 20);
    timedOut = !(await waitUntilFinished(ctx, target, total, deadline));
    if (timedOut) ctx.log(`  ${target.name}: TIMED OUT waiting for deliveries`);
  } finally {
    cpu = process.cpuUsage(cpu0);
    machineCpuMs = machineBusyMs() - machine0;
    pgssCalls = await ctx.stats.statementCalls();
    costs = await workers.stop();
  }
  if (costs.perProcess.length > 0) ctx.log(`  ${target.name}: statements per worker process ${costs.perProcess.join(", ")}`);
  const receiverCpu1 = await ctx.receiver.stats();
  return {
    timedOut,
    machineCpuMs,
    worker: {
      statements: Math.max(0, costs.statements - ctx.idle.statements),
      perProcessStatements: costs.perProcess,
      pgssCalls,
      // In process: the bench process's CPU over the window. Processes: theirs, an idle set's subtracted.
      cpuMs: costs.cpuMs === null ? (cpu.user + cpu.system) / 1000 : costs.cpuMs - (ctx.idle.cpuMs ?? 0),
      tokenFetches: ctx.tokens.fetches - tokens0,
      credentials: target.groups,
    },
    receiver: {
      cpuMs: receiverCpu1.cpuUserMs + receiverCpu1.cpuSystemMs - receiverCpu0.cpuUserMs - receiverCpu0.cpuSystemMs,
      unauthenticated: receiverCpu1.unauthenticated,
      unsigned: receiverCpu1.unsigned,
      failedOnPurpose: receiverCpu1.failedOnPurpose,
    },
  };
}
