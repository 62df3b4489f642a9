/** What the ledger needs of an acknowledgement and of a partner's receipt. */
export interface Acknowledged {
  readonly seq: number;
  readonly deliveryCount: number;
}

export interface Received {
  readonly webhookId: string;
  readonly seq: number | null;
  /** 2xx answers the partner wrote for this webhook-id. */
  readonly ok: number;
}

export interface Ledger {
  readonly publicationsOffered: number;
  /** Answered with success by the API: only these count. */
  readonly publicationsAcknowledged: number;
  /** What the acknowledgements promised: the sum of their deliveryCount. */
  readonly deliveriesExpected: number;
  /** Of those, how many the partner accepted (answered 2xx) at least once. */
  readonly delivered: number;
  /** Expected and never accepted. Must be 0. */
  readonly missing: number;
  /** Webhook-ids the partner accepted more than once (at-least-once: a crash between a POST and its record). */
  readonly deliveredMoreThanOnce: number;
  /** Accepted webhook-ids beyond a publication's deliveryCount: a publication fanned out twice. */
  readonly surplus: number;
  /** Accepted for publications the API never acknowledged (committed, but the answer was lost). */
  readonly deliveredUnacknowledged: number;
  /** The first few publications with a missing delivery, to look them up. */
  readonly missingSeqs: readonly number[];
}

/**
 * Counts from two independent records: the API's acknowledgements (what hookgate promised) and
 * the partner's receipts (what arrived). hookgate's own database is not consulted here, so a
 * delivery row lost with its publication would still show as missing.
 */
export function balance(offered: number, acknowledged: readonly Acknowledged[], receipts: readonly Received[]): Ledger {
  const acceptedBySeq = new Map<number, number>();
  let deliveredMoreThanOnce = 0;
  for (const receipt of receipts) {
    if (receipt.ok === 0) continue;
    if (receipt.ok > 1) deliveredMoreThanOnce += 1;
    if (receipt.seq !== null) acceptedBySeq.set(receipt.seq, (acceptedBySeq.get(receipt.seq) ?? 0) + 1);
  }
  let deliveriesExpected = 0;
  let delivered = 0;
  let surplus = 0;
  const missingSeqs: number[] = [];
  const acknowledgedSeqs = new Set<number>();
  for (const { seq, deliveryCount } of acknowledged) {
    // A publication acknowledged twice (a retry answered as a duplicate) still owes its deliveries once.
    if (acknowledgedSeqs.has(seq)) continue;
    acknowledgedSeqs.add(seq);
    const accepted = acceptedBySeq.get(seq) ?? 0;
    deliveriesExpected += deliveryCount;
    delivered += Math.min(accepted, deliveryCount);
    surplus += Math.max(0, accepted - deliveryCount);
    if (accepted < deliveryCount && missingSeqs.length < 20) missingSeqs.push(seq);
  }
  let deliveredUnacknowledged = 0;
  for (const [seq, accepted] of acceptedBySeq) if (!acknowledgedSeqs.has(seq)) deliveredUnacknowledged += accepted;
  return {
    publicationsOffered: offered,
    publicationsAcknowledged: acknowledgedSeqs.size,
    deliveriesExpected,
    delivered,
    missing: deliveriesExpected - delivered,
    deliveredMoreThanOnce,
    surplus,
    deliveredUnacknowledged,
    missingSeqs: missingSeqs.sort((a, b) => a - b),
  };
}
