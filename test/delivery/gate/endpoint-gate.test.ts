import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { EndpointGate, type Pass, type Wait } from "../../../src/delivery/gate/endpoint-gate.js";

const breaker = { threshold: 2, firstOpenMs: 30_000, maxOpenMs: 60_000 };
const gateOf = (perEndpoint: number, maxSlotWaitMs: number) => new EndpointGate({ perEndpoint, breaker, maxSlotWaitMs });

describe("the endpoint gate", () => {
  it("lets an endpoint hold its share of slots, and sends the rest back to the queue, spread out", async () => {
    const gate = gateOf(2, 0);
    expect((await gate.enter("https://slow.example/a")).ok).toBe(true);
    expect((await gate.enter("https://slow.example/a")).ok).toBe(true);
    const first = (await gate.enter("https://slow.example/a")) as Wait;
    const second = (await gate.enter("https://slow.example/a")) as Wait;
    expect([first.ok, first.reason, second.ok]).toEqual([false, "busy", false]);
    expect(second.until.getTime()).toBeGreaterThan(first.until.getTime());
    // Another endpoint is not affected, another path of the same host included.
    expect((await gate.enter("https://healthy.example/a")).ok).toBe(true);
    expect((await gate.enter("https://slow.example/b")).ok).toBe(true);
  });

  it("hands a freed slot to a delivery waiting for an endpoint that answers quickly", async () => {
    const gate = gateOf(1, 1_000);
    const pass = (await gate.enter("https://partner.example/hooks")) as Pass;
    const waiting = gate.enter("https://partner.example/hooks");
    pass.settle(true);
    expect((await waiting).ok).toBe(true);
  });

  it("does not keep a delivery in its worker slot for an endpoint that has been slower than the wait allowed", async () => {
    const gate = gateOf(1, 50);
    // It answered once, quickly; now it hangs.
    ((await gate.enter("https://hanging.example/hooks")) as Pass).settle(true);
    await gate.enter("https://hanging.example/hooks");
    await sleep(80);
    const startedAt = Date.now();
    const wait = await gate.enter("https://hanging.example/hooks");
    expect(wait.ok).toBe(false);
    expect(Date.now() - startedAt).toBeLessThan(20);
  });

  it("cuts off an endpoint that keeps going unanswered, until its cool-down has passed", async () => {
    const gate = gateOf(5, 0);
    ((await gate.enter("https://down.example/hooks")) as Pass).settle(false);
    ((await gate.enter("https://down.example/hooks")) as Pass).settle(false);
    const wait = (await gate.enter("https://down.example/hooks")) as Wait;
    expect([wait.ok, wait.reason]).toEqual([false, "open"]);
    expect(wait.until.getTime() - Date.now()).toBeGreaterThanOrEqual(29_000);
    // Nothing sent (no payload, no token) says nothing about the endpoint.
    const other = gateOf(5, 0);
    ((await other.enter("https://quiet.example/")) as Pass).settle(null);
    ((await other.enter("https://quiet.example/")) as Pass).settle(null);
    expect((await other.enter("https://quiet.example/")).ok).toBe(true);
  });

  it("lets deliveries wait for a quick but busy endpoint only while their expected wait stays within the allowed one", async () => {
    const gate = gateOf(1, 250);
    const url = "https://busy.example/hooks";
    // The endpoint answers in about 100 ms.
    const timed = (await gate.enter(url)) as Pass;
    await sleep(100);
    timed.settle(true);
    const pass = (await gate.enter(url)) as Pass;
    const waitingFirst = gate.enter(url);
    const waitingSecond = gate.enter(url);
    // A third in line would wait about 300 ms: it goes back to the queue at once.
    const startedAt = Date.now();
    const third = (await gate.enter(url)) as Wait;
    expect([third.ok, third.reason]).toEqual([false, "busy"]);
    expect(Date.now() - startedAt).toBeLessThan(20);
    pass.settle(true);
    const first = (await waitingFirst) as Pass;
    expect(first.ok).toBe(true);
    first.settle(true);
    expect((await waitingSecond).ok).toBe(true);
  });
});
