import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDeliverJob, parseDeliverJobV1, queueDeliverJobs, taskNames } from "../../src/store/jobs.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

// The job contract: what queueDeliverJobs writes is exactly what the worker's parser reads, and
// jobs queued by hookgate 0.1 (deliver_v1) keep their meaning.

describe("parseDeliverJob", () => {
  const id = randomUUID();

  it("reads a deliver_v2 payload", () => {
    expect(parseDeliverJob({ deliveryId: id, round: 3, attemptsRecorded: 4 })).toEqual({ deliveryId: id, round: 3, attemptsRecorded: 4 });
  });

  it("reads a deliver_v1 payload in today's terms: run is the round, attemptsBefore the attempts recorded", () => {
    expect(parseDeliverJobV1({ deliveryId: id, run: 2, attemptsBefore: 1 })).toEqual({ deliveryId: id, round: 2, attemptsRecorded: 1 });
  });

  it.each([
    ["null", null],
    ["no delivery id", { round: 1, attemptsRecorded: 0 }],
    ["a fractional round", { deliveryId: id, round: 1.5, attemptsRecorded: 0 }],
    ["a negative count", { deliveryId: id, round: 1, attemptsRecorded: -1 }],
    ["round 0 (rounds count from 1)", { deliveryId: id, round: 0, attemptsRecorded: 0 }],
    ["a v1 payload under the v2 name", { deliveryId: id, run: 1, attemptsBefore: 0 }],
  ])("refuses %s, naming the task", (_name, payload) => {
    expect(() => parseDeliverJob(payload)).toThrow(`${taskNames.deliver}: malformed job payload`);
  });
});

describe("queueDeliverJobs", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("queues one job per row, with the payload the worker reads and the run time given", async () => {
    const ids = [randomUUID(), randomUUID()];
    const runAt = new Date(Date.now() + 60_000);
    const rows = sql`(select unnest(${ids}::uuid[]) as id, 7 as recorded) as picked`;
    const { rows: counted } = await sql<{ queued: number }>`
      select ${queueDeliverJobs(rows, { deliveryId: sql`id`, round: 2, attemptsRecorded: sql`recorded`, runAt })} as queued`.execute(
      database.db,
    );
    expect(counted[0]!.queued).toBe(2);

    // graphile-worker's own tables, read as its worker reads them.
    const { rows: jobs } = await sql<{
      task_identifier: string;
      payload: unknown;
      run_at: Date;
      max_attempts: number;
      priority: number;
      job_queue_id: number | null;
      key: string | null;
    }>`
      select t.identifier as task_identifier, j.payload, j.run_at, j.max_attempts, j.priority, j.job_queue_id, j.key
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id`.execute(database.db);
    // Retries are hookgate's own; the queue's attempts only cover a crashed task. No queue name
    // (jobs run in parallel), keyed by the delivery (one live job each), default priority.
    expect(
      jobs.map(({ max_attempts, priority, job_queue_id, key }) => ({ max_attempts, priority, job_queue_id, key })).sort((a, b) => a.key!.localeCompare(b.key!)),
    ).toEqual(
      [...ids].sort().map((id) => ({ max_attempts: 10, priority: 0, job_queue_id: null, key: `delivery:${id}` })),
    );
    expect(jobs.map((job) => job.task_identifier)).toEqual([taskNames.deliver, taskNames.deliver]);
    expect(jobs.map((job) => parseDeliverJob(job.payload)).sort((a, b) => a.deliveryId.localeCompare(b.deliveryId))).toEqual(
      [...ids].sort().map((deliveryId) => ({ deliveryId, round: 2, attemptsRecorded: 7 })),
    );
    expect(jobs.every((job) => Math.abs(job.run_at.getTime() - runAt.getTime()) < 1000)).toBe(true);
  });

  it("queues nothing for no rows, and wakes no worker for it", async () => {
    // graphile-worker announces every add_jobs call on "jobs:insert"; workers listen for it.
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (message) => heard.push(message.payload ?? ""));
    await listener.query(`listen "jobs:insert"`);
    try {
      const queue = (rows: ReturnType<typeof sql>) => sql<{ queued: number }>`
        select ${queueDeliverJobs(rows, { deliveryId: sql`id`, round: 1, attemptsRecorded: 0 })} as queued`.execute(database.db);
      const none = await queue(sql`(select null::uuid as id where false) as none`);
      expect(none.rows[0]!.queued).toBe(0);
      // A queue call that does add a job, after it: notifications arrive in commit order, so once
      // this one is heard, one from the empty call would have been heard first.
      const one = await queue(sql`(select ${randomUUID()}::uuid as id) as one`);
      expect(one.rows[0]!.queued).toBe(1);
      await eventually(async () => heard.length, (count) => count >= 1, { what: "the insert notification" });
      expect(heard).toHaveLength(1);
    } finally {
      await listener.end();
    }
  });

  it("keeps one job per delivery that can still run: a second replaces a waiting one and retires a running one", async () => {
    const id = randomUUID();
    const queue = (round: number) =>
      sql`select ${queueDeliverJobs(sql`(select ${id}::uuid as id) as one`, { deliveryId: sql`id`, round, attemptsRecorded: 0 })}`.execute(database.db);
    const live = async () =>
      (
        await sql<{ payload: { round: number }; locked: boolean; runnable: boolean }>`
          select payload, locked_at is not null as locked, attempts < max_attempts as runnable
          from graphile_worker._private_jobs where payload->>'deliveryId' = ${id}`.execute(database.db)
      ).rows;
    await queue(1);
    await queue(2);
    expect((await live()).map((job) => job.payload.round)).toEqual([2]);
    // A worker takes the job; a round queued meanwhile (a retry, a deferral) retires the taken one.
    await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'test' where payload->>'deliveryId' = ${id}`.execute(database.db);
    await queue(3);
    const jobs = await live();
    expect(jobs.filter((job) => job.runnable).map((job) => job.payload.round)).toEqual([3]);
    expect(jobs.find((job) => job.locked)?.runnable).toBe(false);
  });
});
