import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../src/delivery/gate/circuit-breaker.js";

const options = { threshold: 3, firstOpenMs: 1_000, maxOpenMs: 4_000 };

function failTimes(breaker: CircuitBreaker, times: number, now: number) {
  for (let i = 0; i < times; i++) {
    breaker.admit();
    breaker.settle(false, now, false);
  }
}

describe("an endpoint's circuit breaker", () => {
  it("stays closed through fewer unanswered attempts in a row than the threshold, and an answer resets the count", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 2, 0);
    breaker.settle(true, 0, false);
    failTimes(breaker, 2, 0);
    expect(breaker.blockedUntil(0)).toBeNull();
  });

  it("opens after the threshold, lets one probe through once the cool-down has passed, and closes on its answer", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 10_000);
    expect(breaker.blockedUntil(10_500)).toBe(11_000);
    expect(breaker.blockedUntil(11_000)).toBeNull();
    expect(breaker.admit().probe).toBe(true);
    // While the probe is out, nothing else goes (they look again after a quarter of the cool-down, at least 1 s).
    expect(breaker.blockedUntil(11_001)).toBe(12_001);
    breaker.settle(true, 11_100, true);
    expect(breaker.blockedUntil(11_100)).toBeNull();
    expect(breaker.admit().probe).toBe(false);
  });

  it("doubles the cool-down each time a probe goes unanswered, up to the maximum", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    let now = 1_000;
    const coolDowns: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(breaker.admit().probe).toBe(true);
      breaker.settle(false, now, true);
      const until = breaker.blockedUntil(now)!;
      coolDowns.push(until - now);
      now = until;
    }
    expect(coolDowns).toEqual([2_000, 4_000, 4_000, 4_000]);
  });

  it("lets the next probe go, without a longer cool-down, when a probe sent nothing", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    expect(breaker.admit().probe).toBe(true);
    breaker.settle(null, 1_000, true);
    expect(breaker.blockedUntil(1_000)).toBeNull();
    expect(breaker.admit().probe).toBe(true);
  });
});
