import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { createEvent, createGroup, createOrder, groupInput } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// A fetch of jobs that PostgreSQL commits but whose answer is lost with the connection (a restart,
// a failover, a proxy dropping it) leaves jobs locked by a worker that is alive and beating, yet
// never received them: graphile-worker would leave them locked for four hours. The worker hands
// them back within a stale window, and never a job it does hold, however long that takes.
const app = useTestApp(
  { HOOKGATE_RETRY_SCHEDULE: "1h,1h", HOOKGATE_WORKER_STALE_AFTER: "900ms", HOOKGATE_WORKER_CONCURRENCY: "4", HOOKGATE_ENDPOINT_CONCURRENCY: "4" },
  { worker: true },
);
const receiver = useReceiver();
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
});

async function groupOnReceiver(path: string): Promise<string> {
  const input = groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}${path}` }], authentication: null });
  return (await createGroup(app, input)).webhookGroup.id as string;
}

/** The graphile-worker pool id of this process's worker, as its heartbeat names it. */
async function workerPoolId(): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    select worker_id as id from worker_heartbeats, unnest(graphile_worker_ids) as worker_id
    where worker_id like 'pool-%'`.execute(app.db);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

const requestsTo = (path: string) => receiver.requests.filter((request) => request.path === path);

describe("a job locked by a live worker that never received it", () => {
  it("is handed back within a stale window and delivered, with the attempt its lost fetch counted given back", async () => {
    const groupId = await groupOnReceiver("/lost");
    receiver.answerNext({ status: 500 });
    await createOrder(app, eventId);
    const [id] = await waitForDeliveryIds(app, { groupId }, 1);
    await waitForDelivery(app, id!, (delivery) => delivery.status === "RETRYING");
    // Round 2 falls due and the worker's fetch locks it, but the answer never arrives: the job is
    // locked under the worker's own pool id, its attempt counted, and nothing runs it.
    const lost = await sql`
      update graphile_worker._private_jobs
      set run_at = now(), locked_by = ${await workerPoolId()}, locked_at = now() - interval '2 seconds', attempts = attempts + 1
      where payload->>'deliveryId' = ${id!} and attempts < max_attempts`.execute(app.db);
    expect(Number(lost.numAffectedRows)).toBe(1);

    const delivered = await waitForDelivery(app, id!, (delivery) => delivery.status === "SUCCEEDED", { timeoutMs: 10_000 });
    expect(delivered.attemptCount).toBe(2);
    expect(requestsTo("/lost")).toHaveLength(2);
  });

  it("never hands back a job it is running, however much longer than the stale window it takes", async () => {
    const groupId = await groupOnReceiver("/slow");
    // Each takes over three stale windows, with worker slots free beside them: a job handed back
    // while running would be fetched again at once and POSTed a second time.
    receiver.answerAlways((request) => (request.path === "/slow" ? { status: 200, delayMs: 3_000 } : { status: 200 }));
    for (let order = 0; order < 2; order++) await createOrder(app, eventId);
    const ids = await waitForDeliveryIds(app, { groupId }, 2);
    await waitUntilSettled(app, { groupId }, 30_000);

    for (const id of ids) expect((await waitForDelivery(app, id, (delivery) => delivery.status === "SUCCEEDED")).attemptCount).toBe(1);
    expect(requestsTo("/slow")).toHaveLength(2);
  });
});
