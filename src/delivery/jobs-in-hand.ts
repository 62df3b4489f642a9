import type { WorkerEvents } from "graphile-worker";

/**
 * The jobs this process's graphile-worker runners know they hold: fetched into the local queue,
 * running, or finished within the last `keepFinishedMs` (graphile-worker writes completions in
 * batches a moment later). A job locked under this process's ids that is none of these was locked
 * by a fetch whose answer never arrived: PostgreSQL committed the lock, then the connection dropped
 * before the rows reached the local queue. graphile-worker logs the fetch as failed and carries on,
 * and such a job would stay locked by a live worker for four hours (see releaseLostJobs).
 */
export class JobsInHand {
  private readonly held = new Set<string>();
  private readonly finished = new Map<string, number>();

  constructor(private readonly keepFinishedMs: number) {}

  /** Follows one runner's events; every runner the process starts is followed by the same tracker. */
  follow(events: WorkerEvents): void {
    events.on("localQueue:getJobs:complete", ({ jobs }) => jobs.forEach((job) => this.take(job.id)));
    events.on("job:start", ({ job }) => this.take(job.id));
    events.on("job:complete", ({ job }) => this.finish(job.id));
    events.on("localQueue:returnJobs", ({ jobs }) => jobs.forEach((job) => this.finish(job.id)));
  }

  has(jobId: string): boolean {
    this.forgetOldFinished();
    return this.held.has(jobId) || this.finished.has(jobId);
  }

  private take(jobId: string): void {
    this.finished.delete(jobId);
    this.held.add(jobId);
  }

  private finish(jobId: string): void {
    this.held.delete(jobId);
    this.finished.set(jobId, Date.now());
  }

  private forgetOldFinished(): void {
    const before = Date.now() - this.keepFinishedMs;
    // A Map iterates in insertion order, and finish() re-inserts: the oldest come first.
    for (const [jobId, at] of this.finished) {
      if (at >= before) break;
      this.finished.delete(jobId);
    }
  }
}
