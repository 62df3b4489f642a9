import { sql } from "kysely";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitUntilSettled } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup, groupInput } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// DESIGN.md, "Nothing is lost": a worker killed mid-delivery, stopped, or sharing the database with
// others — every delivery still ends SUCCEEDED, at least once, with the same webhook-id and body.
// The API runs in this process without a worker; the workers are real `hookgate worker` processes.

const repository = path.resolve(import.meta.dirname, "../..");
const app = useTestApp({}, { worker: false });
const receiver = useReceiver();
let dataDir = "";
let groupId = "";
const children: Worker[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-crash-"));
  const { webhookGroup } = await createGroup(
    app,
    groupInput({ hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/hooks` }], authentication: undefined }),
  );
  groupId = webhookGroup.id;
});

afterEach(async () => {
  // Whatever a test did, no worker outlives it (they would take the next test's jobs).
  await Promise.all(children.splice(0).map((child) => child.kill("SIGKILL")));
});

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

type Ending = { code: number | null; signal: NodeJS.Signals | null };

interface Worker {
  child: ChildProcess;
  /** The worker's heartbeat row: how it shows it is running, and what must go once it is dead. */
  heartbeatId: string;
  output: () => string;
  /** Sends a signal to the worker's process alone (as `kill <pid>` or a container runtime would) or to its whole group. */
  signal(signal: NodeJS.Signals, to: "leader" | "group"): void;
  /** Resolves once the worker and anything it started in its group are gone. */
  stopped(): Promise<Ending>;
  /** Signals the whole group and waits until it is gone. */
  kill(signal: NodeJS.Signals): Promise<Ending>;
}

/**
 * `npx hookgate worker` against the test database, ready once its heartbeat row appears: what
 * `npm run worker` runs too (bin/hookgate.js, one node process with tsx's loader inside), or, with
 * `via: "npm"`, `npm run worker` itself, as a container's command would be.
 */
async function startWorkerProcess(env: Record<string, string> = {}, via: "bin" | "npm" = "bin"): Promise<Worker> {
  const before = new Set((await heartbeats()).map((row) => row.id));
  const { DATABASE_URL: _server, ...inherited } = process.env;
  const [command, args] = via === "npm" ? ["npm", ["run", "--silent", "worker"]] : [process.execPath, ["bin/hookgate.js", "worker"]];
  const child = spawn(command, args, {
    cwd: repository,
    env: {
      ...inherited,
      DATABASE_URL: app.hookgate.services.databaseUrl,
      HOOKGATE_SECRET_KEY: app.hookgate.services.config.secretKey!,
      HOOKGATE_ALLOW_PRIVATE_TARGETS: "true",
      HOOKGATE_WORKER_STALE_AFTER: "3s",
      HOOKGATE_WORKER_POLL_INTERVAL: "100ms",
      HOOKGATE_RETRY_SCHEDULE: "100ms,200ms",
      HOOKGATE_DATA_DIR: dataDir,
      // info: the line a stopping worker writes is how a test sees that a signal was handled.
      LOG_LEVEL: "info",
      ...env,
    },
    // Its own process group, as a terminal or a container gives it: a test can signal the group.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<Ending>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const signal = (name: NodeJS.Signals, to: "leader" | "group") => {
    if (!child.pid) return;
    try {
      process.kill(to === "group" ? -child.pid : child.pid, name);
    } catch {
      // already gone
    }
  };
  const stopped = async () => {
    const ending = await exited;
    if (child.pid) await groupGone(child.pid);
    return ending;
  };
  const kill = (name: NodeJS.Signals) => {
    signal(name, "group");
    return stopped();
  };
  const worker: Worker = { child, heartbeatId: "", output: () => output, signal, stopped, kill };
  children.push(worker);

  const ready = await eventually(
    async () => ({
      exited: child.exitCode !== null || child.signalCode !== null,
      fresh: (await heartbeats()).find((row) => !before.has(row.id)),
    }),
    ({ exited, fresh }) => exited || fresh !== undefined,
    { timeoutMs: 60_000, intervalMs: 100, what: "heartbeat of the new worker" },
  ).catch((error: unknown) => {
    throw new Error(`the worker was not ready within 60 s:\n${output}`, { cause: error });
  });
  if (!ready.fresh) throw new Error(`the worker exited before it was ready:\n${output}`);
  worker.heartbeatId = ready.fresh.id;
  return worker;
}

/** Waits until no process of the group is left (a wrapper may exit before the node it started). */
async function groupGone(pgid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    await eventually(alive, (running) => !running, { timeoutMs: 30_000, what: `end of process group ${pgid}` });
  } catch (error) {
    process.kill(-pgid, "SIGKILL");
    throw new Error(`process group ${pgid} was still running 30 s after its leader exited`, { cause: error });
  }
}

function heartbeats() {
  return app.db.selectFrom("worker_heartbeats").select(["id", "graphile_worker_ids"]).execute();
}

async function delivery(id: string) {
  return app.db
    .selectFrom("deliveries")
    .select(["id", "status", "attempt_count", "payload", "finished_at"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

function waitForDelivery(id: string, status: string, timeoutMs: number) {
  return eventually(() => delivery(id), (row) => row.status === status, { timeoutMs, intervalMs: 100, what: `delivery ${id} ${status}` });
}

async function attempts(id: string) {
  return app.db
    .selectFrom("delivery_attempts")
    .select(["number", "response_status", "error"])
    .where("delivery_id", "=", id)
    .orderBy("number")
    .execute();
}

describe("a worker killed mid-delivery", () => {
  it("loses nothing: a new worker resends the same delivery, which ends SUCCEEDED", async () => {
    const first = await startWorkerProcess();
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
    expect(await delivery(webhookId)).toMatchObject({ finished_at: null, attempt_count: 0 });

    const second = await startWorkerProcess();
    const [, resent] = (await receiver.waitFor(start + 2, 20_000)).slice(start);
    expect(resent!.headers["webhook-id"]).toBe(webhookId);
    expect(resent!.body).toBe(held!.body);

    const done = await waitForDelivery(webhookId, "SUCCEEDED", 20_000);
    expect(done.payload).toBe(held!.body);
    expect(await attempts(webhookId)).toEqual([{ number: 1, response_status: 200, error: null }]);

    // The survivor cleared the dead worker's heartbeat (that is how it released the job).
    const rows = await heartbeats();
    expect(rows.map((row) => row.id)).not.toContain(first.heartbeatId);
    expect(rows.map((row) => row.id)).toContain(second.heartbeatId);
  }, 120_000);
});

describe("a worker killed mid-batch", () => {
  it("loses nothing, and resends only the deliveries whose rounds it had not recorded", async () => {
    const earlier = new Set((await app.db.selectFrom("deliveries").select("id").execute()).map((row) => row.id));
    const first = await startWorkerProcess();
    const start = receiver.requests.length;
    // The first ten requests are answered at once; every later one is held open.
    receiver.answerNext(...Array.from({ length: 10 }, () => ({ status: 200 })));
    receiver.answerAlways({ status: 200, delayMs: 30_000 });
    for (let i = 0; i < 30; i++) await createEvent(app, { title: `Batch ${i}` });
    await receiver.waitFor(start + 30, 30_000);
    const recordedBefore = await eventually(
      async () =>
        (await app.db.selectFrom("deliveries").select("id").where("webhook_group_id", "=", groupId).where("status", "=", "SUCCEEDED").execute())
          .filter((row) => !earlier.has(row.id)),
      (rows) => rows.length >= 10,
      { what: "the ten answered rounds recorded" },
    );
    await first.kill("SIGKILL");
    receiver.answerAlways({ status: 200 });

    await startWorkerProcess();
    await waitUntilSettled(app, { groupId }, 60_000);
    const ids = (await app.db.selectFrom("deliveries").select(["id", "status"]).where("webhook_group_id", "=", groupId).execute()).filter(
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
    const workers = [await startWorkerProcess(patient), await startWorkerProcess(patient)];
    const beating = (await heartbeats()).map((row) => row.id);
    for (const worker of workers) expect(beating).toContain(worker.heartbeatId);
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
    await waitUntilSettled(app, { groupId }, 60_000);

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

/**
 * Starts a worker and makes it take a delivery whose answer the partner holds back until the
 * test calls `answer`: the delivery is in hand for as long as the test needs.
 */
async function workerWithDeliveryInHand(env: Record<string, string> = {}, via: "bin" | "npm" = "bin") {
  const worker = await startWorkerProcess(env, via);
  const start = receiver.requests.length;
  let answer = () => {};
  receiver.answerAlways({ status: 200 });
  receiver.answerNext({ status: 200, until: new Promise<void>((resolve) => (answer = resolve)) });
  await createEvent(app, { title: "Last call" });
  const [request] = (await receiver.waitFor(start + 1, 30_000)).slice(start);
  return { worker, start, webhookId: request!.headers["webhook-id"] as string, answer };
}

/** Resolves once the worker has written that it is stopping: the signal was handled. */
const stopping = (worker: Worker) =>
  eventually(() => worker.output(), (output) => output.includes("stopping"), { what: "the worker's note that it is stopping" });

async function expectFinishedByTheStoppingWorker(worker: Worker, ending: Ending, webhookId: string, start: number) {
  const clean = ending.code === 0 || ending.signal === "SIGTERM";
  expect(clean, `the worker ended with ${ending.code ?? ending.signal}:\n${worker.output()}`).toBe(true);
  // Recorded by the stopping worker itself (no other worker runs), from the 200 it was let to answer while stopping.
  expect(await delivery(webhookId)).toMatchObject({ status: "SUCCEEDED", attempt_count: 1 });
  expect(await attempts(webhookId)).toEqual([{ number: 1, response_status: 200, error: null }]);
  expect(receiver.requests.slice(start)).toHaveLength(1);
  // A graceful stop removes its own heartbeat row.
  expect((await heartbeats()).map((row) => row.id)).not.toContain(worker.heartbeatId);
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
    const first = await startWorkerProcess({ ...patient, HOOKGATE_WORKER_CONCURRENCY: "2" });
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
    await startWorkerProcess(patient);
    await waitUntilSettled(app, { groupId }, 30_000);
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
    const first = await startWorkerProcess(patient);
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
    expect(await delivery(webhookId)).toMatchObject({ finished_at: null, attempt_count: 0 });

    await startWorkerProcess(patient);
    const done = await waitForDelivery(webhookId, "SUCCEEDED", 20_000);
    expect(done.payload).toBe(held!.body);
    const sent = receiver.requests.slice(start).filter((request) => request.headers["webhook-id"] === webhookId);
    expect(sent).toHaveLength(2);
  }, 120_000);

  // A terminal's Ctrl-C reaches the whole group, and npm passes it on again a moment later: one
  // press arrives twice. (Sent back to back, the kernel would merge the two into one.)
  it("takes one Ctrl-C that arrives twice within a moment as one: the delivery in hand is finished, exit status 0", async () => {
    const { worker, start, webhookId, answer } = await workerWithDeliveryInHand(patient);
    worker.signal("SIGINT", "group");
    await new Promise((resolve) => setTimeout(resolve, 100));
    worker.signal("SIGINT", "leader");
    await stopping(worker);
    answer();
    const ending = await worker.stopped();
    expect(ending.code, worker.output()).toBe(0);
    await expectFinishedByTheStoppingWorker(worker, ending, webhookId, start);
  }, 120_000);
});
