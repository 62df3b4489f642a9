import type { Job, WorkerEvents } from "graphile-worker";

/**
 * The jobs this process's graphile-worker runners know they hold. A job locked under this
 * process's ids that is not one of them was locked by a fetch whose answer never arrived:
 * PostgreSQL committed the lock, then the connection dropped before the rows reached the local
 * queue. graphile-worker logs the fetch as failed and carries on, and such a job would stay locked
 * by a live worker for four hours (see the heartbeat, which hands it back).
 *
 * In hand: fetched into the local queue or running, under the lock it holds now (a pool started
 * after its predecessor lost the database may fetch the same job again, and that fetch may be the
 * lost one); finished within `keepFinishedMs` (graphile-worker writes completions in batches a
 * moment later); handed back by the local queue within `keepReturnedMs` (it retries a hand-back
 * that fails for minutes, and a late one would unlock the job under whoever fetched it since).
 */
export class JobsInHand {
  /** Job id → the graphile-worker id its lock was taken under (the local queue's pool). */
  private readonly held = new Map<string, string>();
  /** Job id → when it finished; in insertion order, so oldest first. */
  private readonly finished = new Map<string, number>();
  /** Job id → when the local queue handed it back; oldest first. */
  private readonly returned = new Map<string, number>();

  constructor(
    private readonly keepFinishedMs: number,
    private readonly keepReturnedMs = 10 * 60_000,
  ) {}

  /** Follows one runner's events; every runner the process starts is followed by the same tracker. */
  follow(events: WorkerEvents): void {
    events.on("localQueue:getJobs:complete", ({ jobs }) => jobs.forEach((job) => this.take(job)));
    events.on("job:start", ({ job }) => this.take(job));
    events.on("job:complete", ({ job }) => this.settle(job.id, this.finished));
    events.on("localQueue:returnJobs", ({ jobs }) => jobs.forEach((job) => this.settle(job.id, this.returned)));
    // A pool that ended holds nothing; what it had locked is released by id (runner-supervisor.ts).
    events.on("pool:release", ({ workerPool }) => {
      for (const [jobId, lockedBy] of this.held) if (lockedBy === workerPool.id) this.held.delete(jobId);
    });
  }

  /** Whether the job locked under `lockedBy` is one this process holds, or has just let go of. */
  has(jobId: string, lockedBy: string): boolean {
    this.forgetOld();
    return this.held.get(jobId) === lockedBy || this.finished.has(jobId) || this.returned.has(jobId);
  }

  /** How many jobs it remembers now: the memory a long-running worker keeps (tests). */
  get size(): number {
    return this.held.size + this.finished.size + this.returned.size;
  }

  private take(job: Job): void {
    this.finished.delete(job.id);
    this.returned.delete(job.id);
    this.held.set(job.id, job.locked_by ?? "");
  }

  private settle(jobId: string, into: Map<string, number>): void {
    this.held.delete(jobId);
    // Deleted first, so that a job settled again moves to the end: the oldest stay first.
    into.delete(jobId);
    into.set(jobId, Date.now());
    this.forgetOld();
  }

  private forgetOld(): void {
    forgetBefore(this.finished, Date.now() - this.keepFinishedMs);
    forgetBefore(this.returned, Date.now() - this.keepReturnedMs);
  }
}

function forgetBefore(settled: Map<string, number>, before: number): void {
  for (const [jobId, at] of settled) {
    if (at >= before) break;
    settled.delete(jobId);
  }
}
