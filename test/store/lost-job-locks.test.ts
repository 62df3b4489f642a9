import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { findJobsLockedLong, releaseLostJobs } from "../../src/store/lost-job-locks.js";
import { useTestDatabase } from "../support/test-database.js";

// The state a lost fetch leaves, written as graphile-worker's batchGetJobs writes it: the job
// locked under the pool's id with its attempt counted, and its queue (if it has one) locked too.
const database = useTestDatabase();

async function lockedJob(options: { queue?: string; lockedBy: string; lockedSecondsAgo: number }): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    select id::text from graphile_worker.add_job('hookgate_test_task', '{}'::json, queue_name => ${options.queue ?? null})`.execute(database.db);
  const id = rows[0]!.id;
  const lockedAt = sql`now() - ${options.lockedSecondsAgo} * interval '1 second'`;
  await sql`
    update graphile_worker._private_jobs set locked_by = ${options.lockedBy}, locked_at = ${lockedAt}, attempts = attempts + 1
    where id = ${id}::bigint`.execute(database.db);
  if (options.queue) {
    await sql`
      update graphile_worker._private_job_queues set locked_by = ${options.lockedBy}, locked_at = ${lockedAt}
      where queue_name = ${options.queue}`.execute(database.db);
  }
  return id;
}

async function job(id: string) {
  const { rows } = await sql<{ attempts: number; locked_by: string | null; queue_locked_by: string | null }>`
    select j.attempts, j.locked_by, q.locked_by as queue_locked_by
    from graphile_worker._private_jobs j left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
    where j.id = ${id}::bigint`.execute(database.db);
  return rows[0];
}

describe("jobs locked under a worker's ids that it never received", () => {
  it("are found once locked longer than the window, with the id each was locked under", async () => {
    const old = await lockedJob({ lockedBy: "pool-found", lockedSecondsAgo: 10 });
    const recent = await lockedJob({ lockedBy: "pool-found", lockedSecondsAgo: 0 });
    const anothers = await lockedJob({ lockedBy: "pool-someone-else", lockedSecondsAgo: 10 });
    const found = await findJobsLockedLong(database.db, ["pool-found"], 5_000);
    expect(found).toEqual([{ id: old, lockedBy: "pool-found", lockedAt: expect.any(Date) }]);
    expect(found.map((row) => row.id)).not.toContain(recent);
    expect(found.map((row) => row.id)).not.toContain(anothers);
  });

  it("are unlocked with the attempt their fetch counted given back, and their queue unlocked with them", async () => {
    const plain = await lockedJob({ lockedBy: "pool-lost", lockedSecondsAgo: 10 });
    const queued = await lockedJob({ queue: "hookgate_test_queue", lockedBy: "pool-lost", lockedSecondsAgo: 10 });
    expect(await releaseLostJobs(database.db, [plain, queued], ["pool-lost"], 5_000)).toBe(2);
    expect(await job(plain)).toEqual({ attempts: 0, locked_by: null, queue_locked_by: null });
    expect(await job(queued)).toEqual({ attempts: 0, locked_by: null, queue_locked_by: null });
  });

  it("leave alone a job locked again since it was found, and one locked under another worker's id", async () => {
    const relocked = await lockedJob({ lockedBy: "pool-mine", lockedSecondsAgo: 0 });
    const anothers = await lockedJob({ lockedBy: "pool-theirs", lockedSecondsAgo: 10 });
    expect(await releaseLostJobs(database.db, [relocked, anothers], ["pool-mine"], 5_000)).toBe(0);
    expect(await job(relocked)).toMatchObject({ attempts: 1, locked_by: "pool-mine" });
    expect(await job(anothers)).toMatchObject({ attempts: 1, locked_by: "pool-theirs" });
  });
});
