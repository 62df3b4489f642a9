import { setTimeout as pause } from "node:timers/promises";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { retentionCronIdentifier, retentionCronItems } from "../../../src/delivery/retention/retention-task.js";
import { loadConfig } from "../../../src/config.js";
import { taskNames } from "../../../src/store/jobs.js";
import { waitForDelivery, waitForDeliveryIds } from "../../support/delivery-log.js";
import { eventually } from "../../support/eventually.js";
import { createEvent, createGroup, createOrder, groupInput } from "../../support/fixtures.js";
import { useReceiver } from "../../support/receiver.js";
import { useTestApp } from "../../support/test-app.js";
import { age, cloneFinished, day, exists } from "./seed.js";

// Retention as a worker runs it: scheduled by graphile-worker's cron, run as a job, while
// deliveries keep flowing through the same worker and database.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
let eventId: string;
let groupId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
  const input = groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}/orders` }], authentication: null });
  groupId = (await createGroup(app, input)).webhookGroup.id as string;
});

describe("the retention task on a worker", () => {
  it("is registered with graphile-worker's cron: hourly, one run at a time; not at all when off", async () => {
    const { rows } = await sql<{ identifier: string }>`
      select identifier from graphile_worker._private_known_crontabs where identifier = ${retentionCronIdentifier}`.execute(app.db);
    expect(rows).toHaveLength(1);
    const [item] = retentionCronItems(loadConfig({}));
    expect(item).toMatchObject({ task: taskNames.retention, identifier: retentionCronIdentifier });
    expect(item!.options).toMatchObject({ backfillPeriod: 0, queueName: retentionCronIdentifier, jobKey: retentionCronIdentifier });
    expect(retentionCronItems(loadConfig({ HOOKGATE_RETENTION: "off" }))).toEqual([]);
  });

  it("deletes what is old while new deliveries go out as fast as before", async () => {
    await createOrder(app, eventId);
    const [delivered] = await waitForDeliveryIds(app, { groupId }, 1);
    await waitForDelivery(app, delivered!, (delivery) => delivery.status === "SUCCEEDED");
    await age(app.db, [delivered!], 31 * day, "SUCCEEDED");
    const clones = await cloneFinished(app.db, delivered!, 10_000, 31 * day, 2);

    const baseline = await deliverOrders(5);
    await sql`select graphile_worker.add_job(${taskNames.retention}, '{}'::json,
      queue_name => ${retentionCronIdentifier}, job_key => ${retentionCronIdentifier})`.execute(app.db);
    const during: number[] = [];
    const remaining = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from deliveries where id = any(${clones}::uuid[])`.execute(app.db)).rows[0]!.n;
    // Orders keep coming while the purge runs (it takes a few seconds: batches and pauses).
    while ((await remaining()) > 0) during.push(...(await deliverOrders(1)));
    await eventually(remaining, (n) => n === 0, { what: "every old delivery deleted" });

    expect(await exists(app.db, "deliveries", delivered!)).toBe(false);
    expect(during.length).toBeGreaterThan(0);
    // A delivery is a POST to loopback: tens of milliseconds. "As fast as before": the typical one
    // during the purge within a second of the slowest of the baseline. The slowest one may meet a
    // stall of the loaded test machine (a checkpoint, autovacuum after the deletes, GC), but none
    // waits anywhere near a whole purge, as one would behind a lock held for it.
    const sorted = [...during].sort((x, y) => x - y);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(Math.max(...baseline) + 1_000);
    expect(sorted.at(-1)).toBeLessThan(3_000);
    console.log(`delivery latency (ms): before ${JSON.stringify(baseline)}, during retention ${JSON.stringify(during)}`);
  });
});

/** Creates `count` orders one after another; answers each delivery's time from creation to SUCCEEDED. */
async function deliverOrders(count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const orderId = (await createOrder(app, eventId)).id;
    const latency = await eventually(
      async () => {
        const { rows } = await sql<{ ms: number | null }>`
          select extract(epoch from finished_at - created_at) * 1000 as ms from deliveries
          where order_id = ${orderId} and status = 'SUCCEEDED'`.execute(app.db);
        return rows[0]?.ms ?? null;
      },
      (ms) => ms !== null,
      { what: `the delivery of order ${orderId}` },
    );
    latencies.push(Math.round(Number(latency)));
    await pause(20);
  }
  return latencies;
}
