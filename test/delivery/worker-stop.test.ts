import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { waitUntilSettled } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent } from "../support/fixtures.js";
import { type Ending, useWorkersOnOneGroup, type WorkerProcess } from "../support/worker-processes.js";

// A worker asked to stop (SIGTERM, Ctrl-C) finishes the deliveries in hand and hands back the
// rest; a second Ctrl-C stops it at once, abandoning them to be sent again. The API runs in this
// process without a worker; the workers are real `hookgate worker` processes.

const { app, receiver, workers, group } = useWorkersOnOneGroup();

/**
 * Starts a worker and makes it take a delivery whose answer the partner holds back until the
 * test calls `answer`: the delivery is in hand for as long as the test needs.
 */
async function workerWithDeliveryInHand(env: Record<string, string> = {}, via: "bin" | "npm" = "bin") {
  const worker = await workers.start(env, via);
  const start = receiver.requests.length;
  let answer = () => {};
  receiver.answerAlways({ status: 200 });
  receiver.answerNext({ status: 200, until: new Promise<void>((resolve) => (answer = resolve)) });
  await createEvent(app, { title: "Last call" });
  const [request] = (await receiver.waitFor(start + 1, 30_000)).slice(start);
  return { worker, start, webhookId: request!.headers["webhook-id"] as string, answer };
}

/** Resolves once the worker has written that it is stopping: the signal was handled. */
const stopping = (worker: WorkerProcess) =>
  eventually(() => worker.output(), (output) => output.includes("stopping"), { what: "the worker's note that it is stopping" });

async function expectFinishedByTheStoppingWorker(worker: WorkerProcess, ending: Ending, webhookId: string, start: number) {
  const clean = ending.code === 0 || ending.signal === "SIGTERM";
  expect(clean, `the worker ended with ${ending.code ?? ending.signal}:\n${worker.output()}`).toBe(true);
  // Recorded by the stopping worker itself (no other worker runs), from the 200 it was let to answer while stopping.
  expect(await workers.delivery(webhookId)).toMatchObject({ status: "SUCCEEDED", attempt_count: 1 });
  expect(await workers.attempts(webhookId)).toEqual([{ number: 1, response_status: 200, error: null }]);
  expect(receiver.requests.slice(start)).toHaveLength(1);
  // A graceful stop removes its own heartbeat row.
  expect((await workers.heartbeats()).map((row) => row.id)).not.toContain(worker.heartbeatId);
}

describe("a worker stopped with SIGTERM", () => {
  /** SIGTERM to the worker's process alone (`via` what started it), then the partner answers. */
  async function expectStopsAfterFinishing(via: "bin" | "npm") {
    const { worker, start, webhookId, answer } = await workerWithDeliveryInHand({}, via);
    worker.signal("SIGTERM", "leader");
    await stopping(worker);
    answer();
    const ending = await worker.stopped();
    await expectFinishedByTheStoppingWorker(worker, ending, webhookId, start);
  }

  // To the worker's process alone: `kill <pid>`, `docker stop`.
  it("finishes the delivery in hand before it exits", () => expectStopsAfterFinishing("bin"), 120_000);

  // `CMD ["npm", "run", "worker"]`: `docker stop` signals npm alone. npm hands the signal to the
  // script's shell, which must be the worker itself (the script execs it): a shell in between
  // would die of it, and the worker, never signalled, would be SIGKILLed with the container.
  it("finishes the delivery in hand when SIGTERM goes to npm alone (`npm run worker` in a container)", () => expectStopsAfterFinishing("npm"), 120_000);

  // A second SIGTERM is ordinary: systemd signals the whole control group and may signal again,
  // an impatient operator repeats `kill`. Only the first may start the stop.
  it("finishes the delivery in hand when SIGTERM comes twice (the whole group, then again)", async () => {
    const { worker, start, webhookId, answer } = await workerWithDeliveryInHand();
    worker.signal("SIGTERM", "group");
    await stopping(worker);
    worker.signal("SIGTERM", "group");
    answer();
    const ending = await worker.stopped();
    await expectFinishedByTheStoppingWorker(worker, ending, webhookId, start);
  }, 120_000);
});

describe("a worker stopped with SIGTERM while its partner hangs", () => {
  it("exits within the delivery timeout, holding no job: another worker delivers them all at once, not after the stale-worker timeout", async () => {
    // A delivery timeout longer than graphile-worker's own 5 s shutdown allowance: the worker must wait for it.
    const patient = { HOOKGATE_WORKER_STALE_AFTER: "10m", HOOKGATE_DELIVERY_TIMEOUT: "7s" };
    // Two deliveries in hand, a few more fetched into its local queue, the rest still in the table.
    const first = await workers.start({ ...patient, HOOKGATE_WORKER_CONCURRENCY: "2" });
    let answer = () => {};
    receiver.answerAlways({ status: 200, until: new Promise<void>((resolve) => (answer = resolve)) });
    const start = receiver.requests.length;
    const events = await Promise.all(Array.from({ length: 12 }, (_, i) => createEvent(app, { title: `Held ${i}` })));
    await receiver.waitFor(start + 1, 30_000);

    const stoppedAt = Date.now();
    first.signal("SIGTERM", "leader");
    const ending = await first.stopped();
    expect(ending.code === 0 || ending.signal === "SIGTERM", first.output()).toBe(true);
    // The deliveries in hand end with the delivery timeout, and the stopping worker records them.
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    const timedOut = await app.db
      .selectFrom("delivery_attempts")
      .select("error")
      .where("delivery_id", "in", receiver.requests.slice(start).map((request) => request.headers["webhook-id"] as string))
      .execute();
    expect(timedOut.length).toBeGreaterThan(0);
    expect(timedOut.map((attempt) => attempt.error)).toEqual(timedOut.map(() => "no complete answer within 7000 ms"));
    const locked = await sql<{ count: string }>`
      select count(*) from graphile_worker._private_jobs where locked_by is not null`.execute(app.db);
    expect(Number(locked.rows[0]!.count)).toBe(0);

    answer();
    receiver.answerAlways({ status: 200 });
    await workers.start(patient);
    await waitUntilSettled(app, { groupId: group.id }, 30_000);
    const delivered = new Set(
      receiver.requests.slice(start).filter((request) => request.path === "/hooks").map((request) => JSON.parse(request.body).event_id as string),
    );
    expect(events.filter((event) => !delivered.has(event.id))).toEqual([]);
  }, 120_000);
});

describe("a worker stopped with Ctrl-C", () => {
  // One stale window of ten minutes: only a worker that marks its jobs for release at once lets
  // another take them within this test.
  const patient = { HOOKGATE_WORKER_STALE_AFTER: "10m" };

  it("stops at once on a second Ctrl-C: exit status 130, and the delivery it abandoned is sent by the next worker without waiting for the stale window", async () => {
    const first = await workers.start(patient);
    const start = receiver.requests.length;
    receiver.answerNext({ status: 200, until: new Promise(() => {}) });
    receiver.answerAlways({ status: 200 });
    await createEvent(app, { title: "Impatient" });
    const [held] = (await receiver.waitFor(start + 1, 30_000)).slice(start);
    const webhookId = held!.headers["webhook-id"] as string;

    first.signal("SIGINT", "group");
    await eventually(() => first.output(), (output) => output.includes("Ctrl-C again to stop at once"), { what: "the hint of a second Ctrl-C" });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const pressedAgainAt = Date.now();
    first.signal("SIGINT", "group");
    const ending = await first.stopped();
    expect(ending.code, first.output()).toBe(130);
    expect(Date.now() - pressedAgainAt).toBeLessThan(5_000);
    expect(first.output()).toContain("stopping at once");
    expect(await workers.delivery(webhookId)).toMatchObject({ finished_at: null, attempt_count: 0 });

    await workers.start(patient);
    const done = await workers.waitForDelivery(webhookId, "SUCCEEDED", 20_000);
    expect(done.payload).toBe(held!.body);
    const sent = receiver.requests.slice(start).filter((request) => request.headers["webhook-id"] === webhookId);
    expect(sent).toHaveLength(2);
  }, 120_000);

  // A terminal's Ctrl-C reaches the whole group, and npm passes it on again a moment later: one
  // press arrives twice. (Sent back to back, the kernel would merge the two into one.)
  it("takes one Ctrl-C that arrives twice within a moment as one: the delivery in hand is finished, exit status 0", async () => {
    const { worker, start, webhookId, answer } = await workerWithDeliveryInHand(patient);
    worker.signal("SIGINT", "group");
    // Blocking, not a timer: on a loaded machine a timer could fire a second late, a second press.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    worker.signal("SIGINT", "leader");
    await stopping(worker);
    answer();
    const ending = await worker.stopped();
    expect(ending.code, worker.output()).toBe(0);
    await expectFinishedByTheStoppingWorker(worker, ending, webhookId, start);
  }, 120_000);
});
