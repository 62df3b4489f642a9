import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup, createOrder, groupInput } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// A delivery whose job has given up (graphile-worker's attempts spent) must not stay unfinished
// for ever: the worker's heartbeat gives it a job again, at the round it was on.
const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "1h,1h", HOOKGATE_WORKER_STALE_AFTER: "900ms" }, { worker: true });
const receiver = useReceiver();
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
});

describe("a delivery left without a job", () => {
  it("is queued again at the round it was on, and delivered", async () => {
    const input = groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}/orphan` }], authentication: null });
    const groupId = (await createGroup(app, input)).webhookGroup.id as string;
    receiver.answerNext({ status: 500 });
    await createOrder(app, eventId);
    const [id] = await waitForDeliveryIds(app, { groupId }, 1);
    await waitForDelivery(app, id!, (delivery) => delivery.status === "RETRYING");
    // Its round-2 job (due in an hour) gives up, as one that failed ten times would. Round 1's
    // job may still be there a moment (graphile-worker completes jobs in batches), already given
    // up by the queueing of round 2 under the same key: only the runnable one is changed.
    const killed = await sql`
      update graphile_worker._private_jobs set attempts = max_attempts
      where payload->>'deliveryId' = ${id!} and attempts < max_attempts`.execute(app.db);
    expect(Number(killed.numAffectedRows)).toBe(1);

    const delivered = await waitForDelivery(app, id!, (delivery) => delivery.status === "SUCCEEDED", { timeoutMs: 15_000 });
    expect(delivered.attemptCount).toBe(2);
    // Nothing left that could run again. The job that delivered it is completed just after its
    // round is recorded (graphile-worker completes jobs in batches), so it may linger a moment.
    const runnable = async () =>
      (
        await sql<{ round: number }>`
          select (payload->>'round')::int as round from graphile_worker._private_jobs
          where payload->>'deliveryId' = ${id!} and attempts < max_attempts`.execute(app.db)
      ).rows;
    expect(await eventually(runnable, (rows) => rows.length === 0, { timeoutMs: 5_000, what: "no job left for the delivery" })).toEqual([]);
  });
});
