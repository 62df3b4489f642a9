import type { Job, WorkerEvents } from "graphile-worker";

/**
 * The jobs this process's graphile-worker runners know they hold. A job locked under this
 * process's ids that is not one of them was locked by a fetch whose answer never arrived:
 * PostgreSQL committed the lock, then the connection dropped before the rows reached the local
 * queue. graphile-worker logs the fetch as failed and carries on, and such a job would stay locked
 * by a live worker for four hours (see the heartbeat, which hands it back).
 *
 * In hand: fetched into the local queue or running; finished within `keepFinishedMs`
 * (graphile-worker writes completions in batches a moment later); handed back by the local queue
 * within `keepReturnedMs` (it retries a hand-back that fails for minutes, and a late one would
 * unlock the job under whoever fetched it since). Each under the lock it was fetched with, the
 * lock's owner and time: a job fetched again (by a pool started after its predecessor lost the
 * database, or by the same pool after a hand-back) carries a new lock, and that fetch may be the
 * lost one.
 */
export class JobsInHand {
  /** Job id → the lock it was fetched with. */
  private readonly held = new Map<string, string>();
  /** Job id → the lock it was fetched with, and when it finished; in insertion order, so oldest first. */
  private readonly finished = new Map<string, Settled>();
  /** Job id → the lock it was fetched with, and when the local queue handed it back; oldest first. */
  private readonly returned = new Map<string, Settled>();

  constructor(
    private readonly keepFinishedMs: number,
    private readonly keepReturnedMs = 10 * 60_000,
  ) {}

  /** Follows one runner's events; every runner the process starts is followed by the same tracker. */
  follow(events: WorkerEvents): void {
    events.on("localQueue:getJobs:complete", ({ jobs }) => jobs.forEach((job) => this.take(job)));
    events.on("job:start", ({ job }) => this.take(job));
    events.on("job:complete", ({ job }) => this.settle(job, this.finished));
    events.on("localQueue:returnJobs", ({ jobs }) => jobs.forEach((job) => this.settle(job, this.returned)));
    // A pool that ended holds nothing; what it had locked is released by id (runner-supervisor.ts).
    events.on("pool:release", ({ workerPool }) => {
      for (const [jobId, lock] of this.held) if (lock.startsWith(`${workerPool.id}@`)) this.held.delete(jobId);
    });
  }

  /** Whether the job, locked by `lockedBy` at `lockedAt`, is one this process holds or has just let go of. */
  has(jobId: string, lockedBy: string, lockedAt: Date): boolean {
    this.forgetOld();
    const lock = lockOf(lockedBy, lockedAt);
    const matches = (taken: string | undefined) => taken === lock || taken === anyLock;
    return matches(this.held.get(jobId)) || matches(this.finished.get(jobId)?.lock) || matches(this.returned.get(jobId)?.lock);
  }

  /** How many jobs it remembers now: the memory a long-running worker keeps (tests). */
  get size(): number {
    return this.held.size + this.finished.size + this.returned.size;
  }

  private take(job: Job): void {
    this.finished.delete(job.id);
    this.returned.delete(job.id);
    this.held.set(job.id, lockOfJob(job));
  }

  private settle(job: Job, into: Map<string, Settled>): void {
    this.held.delete(job.id);
    // Deleted first, so that a job settled again moves to the end: the oldest stay first.
    into.delete(job.id);
    into.set(job.id, { lock: lockOfJob(job), at: Date.now() });
    this.forgetOld();
  }

  private forgetOld(): void {
    forgetBefore(this.finished, Date.now() - this.keepFinishedMs);
    forgetBefore(this.returned, Date.now() - this.keepReturnedMs);
  }
}

interface Settled {
  lock: string;
  at: number;
}

/**
 * A lock's owner and time, as graphile-worker wrote them; both sides read them from PostgreSQL
 * through node-postgres, so the same lock gives the same string.
 */
const lockOf = (lockedBy: string, lockedAt: Date) => `${lockedBy}@${lockedAt.getTime()}`;

/** graphile-worker always fills both; should it not, the job counts as in hand whatever its lock (never handed back by mistake). */
const anyLock = "*";
const lockOfJob = (job: Job) => (job.locked_by && job.locked_at ? lockOf(job.locked_by, new Date(job.locked_at)) : anyLock);

function forgetBefore(settled: Map<string, Settled>, before: number): void {
  for (const [jobId, { at }] of settled) {
    if (at >= before) break;
    settled.delete(jobId);
  }
}
