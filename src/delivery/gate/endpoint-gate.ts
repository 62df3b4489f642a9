import { CircuitBreaker, type BreakerOptions } from "./circuit-breaker.js";
import { EndpointSlots } from "./endpoint-slots.js";

export interface EndpointGateOptions {
  /** Requests one endpoint (a URL) may have in flight at once in this process. */
  readonly perEndpoint: number;
  readonly breaker: BreakerOptions;
  /**
   * A delivery to a busy endpoint waits in its worker slot while the endpoint answers within
   * this; once it answers slower (or hangs), the waiting ones go back to the queue.
   */
  readonly maxSlotWaitMs: number;
}

/** A request let through: settle it when it has ended. */
export interface Pass {
  readonly ok: true;
  /** `answered`: the partner answered (any status); false: no answer; null: nothing was sent. */
  settle(answered: boolean | null): void;
}

/** Not now: the delivery waits in the queue until `until`, without running or using an attempt. */
export interface Wait {
  readonly ok: false;
  readonly until: Date;
  readonly reason: "busy" | "open";
}

interface EndpointState {
  readonly slots: EndpointSlots;
  /** The time the last delivery sent back to the queue was given: the next goes a little beyond it. */
  horizon: number;
  readonly breaker: CircuitBreaker;
}

/**
 * Fairness between tenants within one worker process: an endpoint holds at most `perEndpoint`
 * requests in flight, and one that keeps going unanswered is cut off by its circuit breaker.
 * A delivery to a busy endpoint that answers quickly waits a moment in its worker slot for a
 * free one; to an endpoint that hangs or answers slowly it goes back to the queue, spread out
 * at the pace the endpoint answers, so it cannot take the worker slots the other endpoints need.
 * Keyed by the whole URL: partners often serve many tenants from one host (one path each), and
 * one tenant's hanging path must not cost the others theirs.
 */
export class EndpointGate {
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(private readonly options: EndpointGateOptions) {}

  async enter(url: string): Promise<Pass | Wait> {
    const key = endpointKey(url);
    const state = this.stateOf(key);
    const now = Date.now();
    const blockedUntil = state.breaker.blockedUntil(now);
    if (blockedUntil !== null) return { ok: false, until: new Date(blockedUntil + jitter()), reason: "open" };
    // Worth waiting in a worker slot only while the endpoint answers within the wait allowed.
    // A delivery may wait while its expected wait (those ahead of it, served `perEndpoint` at a
    // time at the endpoint's pace) stays within the wait allowed: a quick endpoint keeps its
    // backlog in hand, but no endpoint holds worker slots for long that others' deliveries need.
    const answersQuickly = () => state.slots.pace(Date.now()) <= this.options.maxSlotWaitMs;
    const mayWait = () =>
      ((state.slots.waitingCount + 1) * state.slots.pace(Date.now())) / this.options.perEndpoint <= this.options.maxSlotWaitMs;
    const slot =
      state.slots.tryTake(now) ?? (mayWait() ? await state.slots.waitToTake(this.options.maxSlotWaitMs, answersQuickly) : null);
    if (slot === null) {
      const at = Date.now();
      const pace = state.slots.pace(at);
      state.horizon = Math.max(state.horizon, at) + Math.max(5, pace / this.options.perEndpoint);
      return { ok: false, until: new Date(state.horizon), reason: "busy" };
    }
    // The circuit may have opened while this one waited.
    const openedUntil = state.breaker.blockedUntil(Date.now());
    if (openedUntil !== null) {
      state.slots.give(slot, Date.now(), false);
      return { ok: false, until: new Date(openedUntil + jitter()), reason: "open" };
    }
    const { probe } = state.breaker.admit();
    let settled = false;
    return {
      ok: true,
      settle: (answered) => {
        if (settled) return;
        settled = true;
        const ended = Date.now();
        state.slots.give(slot, ended, answered !== null);
        state.breaker.settle(answered, ended, probe);
      },
    };
  }

  private stateOf(key: string): EndpointState {
    let state = this.endpoints.get(key);
    if (!state) {
      if (this.endpoints.size >= maxRemembered) this.forgetIdle();
      state = { slots: new EndpointSlots(this.options.perEndpoint), horizon: 0, breaker: new CircuitBreaker(this.options.breaker) };
      this.endpoints.set(key, state);
    }
    return state;
  }

  private forgetIdle(): void {
    const now = Date.now();
    for (const [key, state] of this.endpoints) {
      if (state.slots.idle && state.breaker.idle && state.horizon < now) this.endpoints.delete(key);
    }
  }
}

/** Endpoints remembered before idle ones are forgotten: a bound on memory, not on endpoints. */
const maxRemembered = 10_000;

function endpointKey(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** Deliveries released by one open circuit do not all come back in the same millisecond. */
function jitter(): number {
  return Math.floor(Math.random() * 250);
}
