import { CircuitBreaker, type BreakerOptions } from "./circuit-breaker.js";

export interface EndpointGateOptions {
  /** Requests one endpoint (scheme, host and port) may have in flight at once in this process. */
  readonly perEndpoint: number;
  readonly breaker: BreakerOptions;
}

/** A request let through: settle it when it has ended. */
export interface Pass {
  readonly ok: true;
  /** `answered`: the partner answered (any status); false: no answer; null: nothing was sent. */
  settle(answered: boolean | null): void;
}

/** Not now: the delivery waits until `until` without running or using an attempt. */
export interface Wait {
  readonly ok: false;
  readonly until: Date;
  readonly reason: "busy" | "open";
}

interface EndpointState {
  inFlight: number;
  /** Smoothed duration of this endpoint's requests, for spacing the ones that wait. */
  averageMs: number;
  /** The time the last waiting delivery was given: the next waits a little beyond it. */
  horizon: number;
  readonly breaker: CircuitBreaker;
}

/**
 * Fairness between tenants within one worker process: an endpoint that hangs or answers slowly
 * holds at most `perEndpoint` of the worker's slots, and an endpoint that keeps timing out is
 * cut off by its circuit breaker; their other deliveries wait in the queue rather than in a slot.
 * Keyed by the URL's origin, so varying the path does not buy more slots.
 */
export class EndpointGate {
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(private readonly options: EndpointGateOptions) {}

  enter(url: string, now = Date.now()): Pass | Wait {
    const key = endpointKey(url);
    const state = this.stateOf(key);
    const blockedUntil = state.breaker.blockedUntil(now);
    if (blockedUntil !== null) return { ok: false, until: new Date(blockedUntil + jitter()), reason: "open" };
    if (state.inFlight >= this.options.perEndpoint) {
      // Waiting deliveries come back spread at the rate the endpoint has been answering.
      state.horizon = Math.max(state.horizon, now) + Math.max(5, state.averageMs / this.options.perEndpoint);
      return { ok: false, until: new Date(state.horizon), reason: "busy" };
    }
    const admitted = state.breaker.admit();
    state.inFlight += 1;
    const startedAt = now;
    let settled = false;
    return {
      ok: true,
      settle: (answered) => {
        if (settled) return;
        settled = true;
        state.inFlight -= 1;
        const ended = Date.now();
        if (answered !== null) {
          state.averageMs = state.averageMs * 0.8 + (ended - startedAt) * 0.2;
          state.breaker.settle(answered, ended, admitted.probe);
        } else if (admitted.probe) {
          state.breaker.settle(false, ended, true);
        }
        if (state.inFlight === 0 && state.breaker.idle && state.horizon < ended) this.endpoints.delete(key);
      },
    };
  }

  private stateOf(key: string): EndpointState {
    let state = this.endpoints.get(key);
    if (!state) {
      if (this.endpoints.size >= maxRemembered) this.forgetIdle();
      state = { inFlight: 0, averageMs: 1_000, horizon: 0, breaker: new CircuitBreaker(this.options.breaker) };
      this.endpoints.set(key, state);
    }
    return state;
  }

  private forgetIdle(): void {
    const now = Date.now();
    for (const [key, state] of this.endpoints) {
      if (state.inFlight === 0 && state.breaker.idle && state.horizon < now) this.endpoints.delete(key);
    }
  }
}

/** Endpoints remembered before idle ones are forgotten: a bound on memory, not on endpoints. */
const maxRemembered = 10_000;

function endpointKey(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Deliveries released by one open circuit do not all come back in the same millisecond. */
function jitter(): number {
  return Math.floor(Math.random() * 250);
}
