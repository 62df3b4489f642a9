/** A slot taken: when its request started. */
export interface Slot {
  readonly startedAt: number;
}

/**
 * One endpoint's share of a worker: at most `size` requests in flight, the slots handed on in
 * arrival order to the deliveries waiting for one, and how fast the endpoint has been answering.
 */
export class EndpointSlots {
  private readonly inFlight = new Set<Slot>();
  private readonly waiting: Array<(slot: Slot) => void> = [];
  /** Smoothed duration of the endpoint's requests; null until one has been answered. */
  private averageMs: number | null = null;

  constructor(private readonly size: number) {}

  tryTake(now: number): Slot | null {
    if (this.inFlight.size >= this.size) return null;
    const slot = { startedAt: now };
    this.inFlight.add(slot);
    return slot;
  }

  /**
   * A slot handed on when a request ends, or null once `keepWaiting` (asked every `checkEveryMs`)
   * says waiting is no longer worth it.
   */
  waitToTake(checkEveryMs: number, keepWaiting: () => boolean): Promise<Slot | null> {
    return new Promise((resolve) => {
      const handOn = (slot: Slot) => {
        clearTimeout(timer);
        resolve(slot);
      };
      const check = () => {
        if (keepWaiting()) {
          timer = setTimeout(check, checkEveryMs);
          return;
        }
        const index = this.waiting.indexOf(handOn);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(null);
      };
      let timer = setTimeout(check, checkEveryMs);
      this.waiting.push(handOn);
    });
  }

  /** Deliveries waiting in worker slots for one of this endpoint's. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** The slot is free again: to the first waiting delivery, if any. `timed`: its request was sent. */
  give(slot: Slot, now: number, timed: boolean): void {
    if (!this.inFlight.delete(slot)) return;
    if (timed) this.averageMs = this.averageMs === null ? now - slot.startedAt : this.averageMs * 0.8 + (now - slot.startedAt) * 0.2;
    const next = this.waiting.shift();
    if (next) {
      const handed = { startedAt: now };
      this.inFlight.add(handed);
      next(handed);
    }
  }

  /**
   * How long the endpoint takes to answer, as far as can be told: the smoothed duration, or the
   * age of the oldest request still in flight when that is longer (an endpoint that hangs has
   * no durations to show for it yet).
   */
  pace(now: number): number {
    let oldest = now;
    for (const slot of this.inFlight) oldest = Math.min(oldest, slot.startedAt);
    // Until the endpoint has answered once, its first requests also open connections and fetch
    // tokens: they are allowed half a second more before the endpoint counts as slow.
    const age = now - oldest - (this.averageMs === null ? firstAnswerAllowanceMs : 0);
    return Math.max(this.averageMs ?? 0, age);
  }

  get idle(): boolean {
    return this.inFlight.size === 0 && this.waiting.length === 0;
  }
}

const firstAnswerAllowanceMs = 500;
