import { describe, expect, it } from "vitest";
import { EndpointGate, type Pass } from "../../../src/delivery/gate/endpoint-gate.js";

const breaker = { threshold: 2, firstOpenMs: 30_000, maxOpenMs: 60_000 };

describe("the endpoint gate", () => {
  it("lets an endpoint hold its share of slots, and sends the rest to wait, spread out", () => {
    const gate = new EndpointGate({ perEndpoint: 2, breaker });
    const now = Date.now();
    expect(gate.enter("https://slow.example/a", now).ok).toBe(true);
    expect(gate.enter("https://slow.example/b", now).ok).toBe(true);
    const first = gate.enter("https://slow.example/a", now);
    const second = gate.enter("https://slow.example/a", now);
    expect(first.ok || second.ok).toBe(false);
    if (first.ok || second.ok) return;
    expect(first.reason).toBe("busy");
    expect(second.until.getTime()).toBeGreaterThan(first.until.getTime());
    // Another endpoint is not affected, and neither is another port of the same host.
    expect(gate.enter("https://healthy.example/a", now).ok).toBe(true);
    expect(gate.enter("https://slow.example:8443/a", now).ok).toBe(true);
  });

  it("frees a slot when a request settles", () => {
    const gate = new EndpointGate({ perEndpoint: 1, breaker });
    const pass = gate.enter("https://partner.example/hooks") as Pass;
    expect(gate.enter("https://partner.example/hooks").ok).toBe(false);
    pass.settle(true);
    expect(gate.enter("https://partner.example/hooks").ok).toBe(true);
  });

  it("cuts off an endpoint that keeps going unanswered, until its cool-down has passed", () => {
    const gate = new EndpointGate({ perEndpoint: 5, breaker });
    (gate.enter("https://down.example/hooks") as Pass).settle(false);
    (gate.enter("https://down.example/hooks") as Pass).settle(false);
    const wait = gate.enter("https://down.example/hooks");
    expect(wait.ok).toBe(false);
    if (wait.ok) return;
    expect(wait.reason).toBe("open");
    expect(wait.until.getTime() - Date.now()).toBeGreaterThanOrEqual(29_000);
    // Nothing sent (no payload, no token) says nothing about the endpoint.
    const other = new EndpointGate({ perEndpoint: 5, breaker });
    (other.enter("https://quiet.example/") as Pass).settle(null);
    (other.enter("https://quiet.example/") as Pass).settle(null);
    expect(other.enter("https://quiet.example/").ok).toBe(true);
  });
});
