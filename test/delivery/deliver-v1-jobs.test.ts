import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { startWorker } from "../../src/delivery/worker.js";
import { taskNames } from "../../src/store/jobs.js";
import { waitForDelivery, waitForDeliveryIds, isFinished } from "../support/delivery-log.js";
import { createEvent, createOrder } from "../support/fixtures.js";
import { createFullGroup, receiverGroupInput } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// An upgrade must not lose what an older hookgate queued: a deliver_v1 job ({ deliveryId, run,
// attemptsBefore }) left in the queue is run by today's worker like a deliver_v2 one.

const app = useTestApp(); // no worker: the test decides which jobs exist before one starts
const receiver = useReceiver();

describe("a deliver_v1 job queued by hookgate 0.1", () => {
  it("is delivered by today's worker, once, and recorded as attempt 1", async () => {
    await createFullGroup(app, receiverGroupInput(receiver, "/v1-job"));
    const event = await createEvent(app, { title: "Queued before the upgrade" });
    const order = await createOrder(app, event.id);
    const [deliveryId] = await waitForDeliveryIds(app, { orderId: order.id });

    // The queue as hookgate 0.1 would have left it: the same delivery, its job in the v1 shape.
    const { db } = app.hookgate.services;
    await sql`delete from graphile_worker._private_jobs`.execute(db);
    await sql`select graphile_worker.add_job(${taskNames.deliverV1},
      json_build_object('deliveryId', ${deliveryId}::uuid, 'run', 1, 'attemptsBefore', 0))`.execute(db);

    const worker = await startWorker(app.hookgate.services);
    try {
      const delivered = await waitForDelivery(app, deliveryId!, isFinished);
      expect(delivered).toMatchObject({ status: "SUCCEEDED", attemptCount: 1 });
      expect(receiver.requests.filter((request) => request.path === "/v1-job")).toHaveLength(1);
      expect(receiver.requests.at(-1)!.headers["webhook-id"]).toBe(deliveryId);
    } finally {
      await worker.stop();
    }
  });
});
