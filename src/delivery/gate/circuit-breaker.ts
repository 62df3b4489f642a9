/**
 * An endpoint that keeps failing to answer (timeouts, refused or reset connections) is not tried
 * at full rate: after `threshold` such attempts in a row its circuit opens for a cool-down that
 * doubles each time it opens again (up to `maxOpenMs`); once it has passed, one probe is let
 * through, and an answer (any HTTP status) closes the circuit.
 *
 * Hand-written rather than a library such as opossum: those wrap a call and reject while open,
 * but the worker needs to know *until when* the circuit is open, so that it can queue the
 * endpoint's deliveries for then without running them or using their attempts.
 */
export interface BreakerOptions {
  readonly threshold: number;
  readonly firstOpenMs: number;
  readonly maxOpenMs: number;
}

export class CircuitBreaker {
  private unanswered = 0;
  private openUntil = 0;
  private openMs = 0;
  private probing = false;

  constructor(private readonly options: BreakerOptions) {}

  /** Null when a request may go at `now`; otherwise the time from which one may. */
  blockedUntil(now: number): number | null {
    if (this.openUntil === 0) return null;
    if (now < this.openUntil) return this.openUntil;
    // While the probe is out (it may take the whole delivery timeout), the rest look again
    // after a quarter of the cool-down rather than every second.
    if (this.probing) return now + Math.max(1_000, this.openMs / 4);
    return null;
  }

  /** A request goes now (check blockedUntil first): answers whether it is the probe of an open circuit. */
  admit(): { readonly probe: boolean } {
    if (this.openUntil === 0) return { probe: false };
    this.probing = true;
    return { probe: true };
  }

  /**
   * What became of a request that was let through: answered (any HTTP status), not answered, or
   * null when nothing was sent (no payload, no token): that says nothing, and a probe that sent
   * nothing leaves the next one to go.
   */
  settle(answered: boolean | null, now: number, probe: boolean): void {
    if (probe) this.probing = false;
    if (answered === null) return;
    if (answered) {
      this.unanswered = 0;
      this.openUntil = 0;
      this.openMs = 0;
      return;
    }
    this.unanswered += 1;
    if (probe || (this.openUntil === 0 && this.unanswered >= this.options.threshold)) {
      this.openMs = this.openMs === 0 ? this.options.firstOpenMs : Math.min(this.openMs * 2, this.options.maxOpenMs);
      this.openUntil = now + this.openMs;
    }
  }

  /** Closed and idle: nothing worth remembering about the endpoint. */
  get idle(): boolean {
    return this.openUntil === 0 && this.unanswered === 0 && !this.probing;
  }
}
