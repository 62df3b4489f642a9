import { EventEmitter } from "node:events";
import type { Job, WorkerEvents } from "graphile-worker";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobsInHand } from "../../src/delivery/jobs-in-hand.js";

const job = (id: string) => ({ id }) as Job;

describe("the jobs a worker knows it holds", () => {
  let events: WorkerEvents;
  let inHand: JobsInHand;
  beforeEach(() => {
    vi.useFakeTimers();
    events = new EventEmitter() as WorkerEvents;
    inHand = new JobsInHand(1_000);
    inHand.follow(events);
  });
  afterEach(() => vi.useRealTimers());

  it("holds the jobs its local queue fetched until each has run, however long they wait", () => {
    events.emit("localQueue:getJobs:complete", { jobs: [job("1"), job("2")] } as never);
    vi.advanceTimersByTime(60_000);
    expect([inHand.has("1"), inHand.has("2"), inHand.has("3")]).toEqual([true, true, false]);
    events.emit("job:start", { job: job("1") } as never);
    vi.advanceTimersByTime(60_000);
    expect(inHand.has("1")).toBe(true);
  });

  it("keeps a finished job for the window its completion may still be written in, then forgets it", () => {
    events.emit("job:start", { job: job("7") } as never);
    events.emit("job:complete", { job: job("7") } as never);
    vi.advanceTimersByTime(999);
    expect(inHand.has("7")).toBe(true);
    vi.advanceTimersByTime(2);
    expect(inHand.has("7")).toBe(false);
  });

  it("forgets jobs its local queue handed back once that window has passed, and holds one fetched again", () => {
    events.emit("localQueue:getJobs:complete", { jobs: [job("4"), job("5")] } as never);
    events.emit("localQueue:returnJobs", { jobs: [job("4"), job("5")] } as never);
    vi.advanceTimersByTime(500);
    events.emit("localQueue:getJobs:complete", { jobs: [job("5")] } as never);
    vi.advanceTimersByTime(1_000);
    expect([inHand.has("4"), inHand.has("5")]).toEqual([false, true]);
  });

  it("follows every runner a process starts", () => {
    const next = new EventEmitter() as WorkerEvents;
    inHand.follow(next);
    next.emit("job:start", { job: job("9") } as never);
    expect(inHand.has("9")).toBe(true);
  });
});
