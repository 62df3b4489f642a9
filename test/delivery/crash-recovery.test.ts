import { describe, expect, it } from "vitest";
import { waitUntilSettled } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent } from "../support/fixtures.js";
import { useWorkersOnOneGroup } from "../support/worker-processes.js";

// DESIGN.md, "Nothing is lost": a worker killed mid-delivery or mid-batch, or sharing the database
// with others — every delivery still ends SUCCEEDED, at least once, with the same webhook-id and
// body. The API runs in this process without a worker; the workers are real `hookgate worker`
// processes. How a worker stops when asked to is in worker-stop.test.ts.

const { app, receiver, workers, group } = useWorkersOnOneGroup();

describe("a worker killed mid-delivery", () => {
  it("loses nothing: a new worker resends the same delivery, which ends SUCCEEDED", async () => {
    const first = await workers.start();
    const start = receiver.requests.length;
    // The first request is held open, as a slow partner would; every later one is answered 200.
    receiver.answerNext({ status: 200, delayMs: 30_000 });

    await createEvent(app, { title: "Crash course" });
    const [held] = (await receiver.waitFor(start + 1, 30_000)).slice(start);
    const webhookId = held!.headers["webhook-id"] as string;
    expect(webhookId).toBeTruthy();

    const killed = await first.kill("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    // Killed before any answer came: nothing was recorded, the job is still locked by the dead worker.
    expect(await workers.delivery(webhookId)).toMatchObject({ finished_at: null, attempt_count: 0 });

    const second = await workers.start();
    const [, resent] = (await receiver.waitFor(start + 2, 20_000)).slice(start);
    expect(resent!.headers["webhook-id"]).toBe(webhookId);
    expect(resent!.body).toBe(held!.body);

    const done = await workers.waitForDelivery(webhookId, "SUCCEEDED", 20_000);
    expect(done.payload).toBe(held!.body);
    expect(await workers.attempts(webhookId)).toEqual([{ number: 1, response_status: 200, error: null }]);

    // The survivor cleared the dead worker's heartbeat (that is how it released the job).
    const rows = await workers.heartbeats();
    expect(rows.map((row) => row.id)).not.toContain(first.heartbeatId);
    expect(rows.map((row) => row.id)).toContain(second.heartbeatId);
  }, 120_000);
});

describe("a worker killed mid-batch", () => {
  it("loses nothing, and resends only the deliveries whose rounds it had not recorded", async () => {
    const earlier = new Set((await app.db.selectFrom("deliveries").select("id").execute()).map((row) => row.id));
    const first = await workers.start();
    const start = receiver.requests.length;
    // The first ten requests are answered at once; every later one is held open.
    receiver.answerNext(...Array.from({ length: 10 }, () => ({ status: 200 })));
    receiver.answerAlways({ status: 200, delayMs: 30_000 });
    for (let i = 0; i < 30; i++) await createEvent(app, { title: `Batch ${i}` });
    await receiver.waitFor(start + 30, 30_000);
    const recordedBefore = await eventually(
      async () =>
        (await app.db.selectFrom("deliveries").select("id").where("webhook_group_id", "=", group.id).where("status", "=", "SUCCEEDED").execute())
          .filter((row) => !earlier.has(row.id)),
      (rows) => rows.length >= 10,
      { what: "the ten answered rounds recorded" },
    );
    await first.kill("SIGKILL");
    receiver.answerAlways({ status: 200 });

    await workers.start();
    await waitUntilSettled(app, { groupId: group.id }, 60_000);
    const ids = (await app.db.selectFrom("deliveries").select(["id", "status"]).where("webhook_group_id", "=", group.id).execute()).filter(
      (row) => !earlier.has(row.id),
    );
    expect(ids).toHaveLength(30);
    expect(ids.every((row) => row.status === "SUCCEEDED")).toBe(true);
    const requestsFor = (id: string) => receiver.requests.slice(start).filter((request) => request.headers["webhook-id"] === id).length;
    // What was recorded before the kill was not sent again; the rest was, once.
    for (const { id } of recordedBefore) expect(requestsFor(id)).toBe(1);
    const recorded = new Set(recordedBefore.map((row) => row.id));
    for (const { id } of ids.filter((row) => !recorded.has(row.id))) expect(requestsFor(id)).toBeLessThanOrEqual(2);
  }, 120_000);
});

describe("two workers sharing one database", () => {
  it("deliver 100 changes, each exactly once when the partner answers 200", async () => {
    // One after the other, so each finds its own heartbeat row. Neither is taken for dead here (this
    // file's 3 s would let a beat delayed on a loaded machine hand the other's jobs over, and resend them).
    const patient = { HOOKGATE_WORKER_STALE_AFTER: "30s" };
    const pair = [await workers.start(patient), await workers.start(patient)];
    const beating = (await workers.heartbeats()).map((row) => row.id);
    for (const worker of pair) expect(beating).toContain(worker.heartbeatId);
    const start = receiver.requests.length;
    receiver.answerAlways({ status: 200, delayMs: 5 });

    // In bursts, so both workers have jobs to race for.
    const events: string[] = [];
    for (let burst = 0; burst < 10; burst++) {
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) => createEvent(app, { title: `Change ${burst * 10 + i}` })),
      );
      events.push(...created.map((event) => event.id));
    }
    expect(new Set(events).size).toBe(100);

    const succeeded = () =>
      app.db
        .selectFrom("deliveries")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .where("event_id", "in", events)
        .where("status", "=", "SUCCEEDED")
        .executeTakeFirstOrThrow()
        .then(({ count }) => Number(count));
    await eventually(succeeded, (count) => count === 100, { timeoutMs: 60_000, intervalMs: 100, what: "100 SUCCEEDED deliveries" });
    // A duplicate (a job run twice) would come from a job still in the queue: once none is left,
    // every request there will be has arrived.
    await waitUntilSettled(app, { groupId: group.id }, 60_000);

    const received = receiver.requests.slice(start);
    const ids = received.map((request) => request.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(100);
    expect(received).toHaveLength(100);
    const attemptCounts = await app.db
      .selectFrom("deliveries")
      .select(["attempt_count"])
      .where("event_id", "in", events)
      .execute();
    expect(attemptCounts.every((row) => row.attempt_count === 1)).toBe(true);
  }, 180_000);
});
