import { EventEmitter } from "node:events";
import type { Job, WorkerEvents, WorkerPool } from "graphile-worker";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobsInHand } from "../../src/delivery/jobs-in-hand.js";

// The events graphile-worker 0.17.3 emits, with the fields JobsInHand reads.
const fetchedAt = new Date("2026-12-05T14:17:32.606Z");
const job = (id: string, lockedBy: string | null = "pool-a", lockedAt: Date | null = fetchedAt) => ({ id, locked_by: lockedBy, locked_at: lockedAt }) as Job;
const fetched = (events: WorkerEvents, ...jobs: Job[]) => events.emit("localQueue:getJobs:complete", { jobs } as never);
const started = (events: WorkerEvents, started: Job) => events.emit("job:start", { job: started } as never);
const completed = (events: WorkerEvents, done: Job) => events.emit("job:complete", { job: done } as never);
const handedBack = (events: WorkerEvents, ...jobs: Job[]) => events.emit("localQueue:returnJobs", { jobs } as never);
const poolReleased = (events: WorkerEvents, id: string) => events.emit("pool:release", { workerPool: { id } as WorkerPool } as never);

describe("the jobs a worker knows it holds", () => {
  let events: WorkerEvents;
  let inHand: JobsInHand;
  beforeEach(() => {
    vi.useFakeTimers();
    events = new EventEmitter() as WorkerEvents;
    inHand = new JobsInHand(1_000, 60_000);
    inHand.follow(events);
  });
  afterEach(() => vi.useRealTimers());

  it("holds the jobs its local queue fetched until each has run, however long they wait or run", () => {
    fetched(events, job("1"), job("2"));
    vi.advanceTimersByTime(600_000);
    expect([inHand.has("1", "pool-a", fetchedAt), inHand.has("2", "pool-a", fetchedAt), inHand.has("3", "pool-a", fetchedAt)]).toEqual([true, true, false]);
    started(events, job("1"));
    vi.advanceTimersByTime(600_000);
    expect(inHand.has("1", "pool-a", fetchedAt)).toBe(true);
  });

  it("holds a job only under the lock it was fetched with: the same job locked by a later pool's lost fetch is not in hand", () => {
    fetched(events, job("5", "pool-a"));
    expect(inHand.has("5", "pool-b", fetchedAt)).toBe(false);
  });

  it("holds a job only under the lock it was fetched with: fetched again after a hand-back, the new lock is not in hand", () => {
    fetched(events, job("6", "pool-a"));
    handedBack(events, job("6", "pool-a"));
    const later = new Date(fetchedAt.getTime() + 60_000);
    expect([inHand.has("6", "pool-a", later), inHand.has("6", "pool-b", fetchedAt), inHand.has("6", "pool-a", fetchedAt)]).toEqual([false, false, true]);
  });

  it("counts a job whose lock it was not told as in hand under any lock, rather than hand it back by mistake", () => {
    fetched(events, job("11", null, null));
    expect(inHand.has("11", "pool-a", fetchedAt)).toBe(true);
  });

  it("keeps a finished job for the window its completion may still be written in, then forgets it", () => {
    started(events, job("7"));
    completed(events, job("7"));
    vi.advanceTimersByTime(999);
    expect(inHand.has("7", "pool-a", fetchedAt)).toBe(true);
    vi.advanceTimersByTime(2);
    expect(inHand.has("7", "pool-a", fetchedAt)).toBe(false);
  });

  it("keeps a job its local queue handed back for as long as the hand-back may still be retrying", () => {
    fetched(events, job("4"), job("5"));
    handedBack(events, job("4"), job("5"));
    vi.advanceTimersByTime(30_000);
    fetched(events, job("5"));
    expect([inHand.has("4", "pool-a", fetchedAt), inHand.has("5", "pool-a", fetchedAt)]).toEqual([true, true]);
    vi.advanceTimersByTime(30_001);
    expect([inHand.has("4", "pool-a", fetchedAt), inHand.has("5", "pool-a", fetchedAt)]).toEqual([false, true]);
  });

  it("forgets what a pool held once that pool is released", () => {
    fetched(events, job("8", "pool-a"), job("9", "pool-b"));
    poolReleased(events, "pool-a");
    expect([inHand.has("8", "pool-a", fetchedAt), inHand.has("9", "pool-b", fetchedAt)]).toEqual([false, true]);
  });

  it("remembers no more than the jobs of the last window, however many it has run", () => {
    for (let id = 0; id < 10_000; id++) {
      started(events, job(String(id)));
      completed(events, job(String(id)));
      vi.advanceTimersByTime(1);
    }
    expect(inHand.size).toBeLessThanOrEqual(1_001);
  });

  it("follows every runner a process starts", () => {
    const next = new EventEmitter() as WorkerEvents;
    inHand.follow(next);
    started(next, job("10", "pool-c"));
    expect(inHand.has("10", "pool-c", fetchedAt)).toBe(true);
  });
});
