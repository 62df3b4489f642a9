import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient } from "./api-client.js";

/** A publication hookgate answered with success: from then on it owes its deliveries. */
export interface Acknowledgement {
  readonly seq: number;
  readonly publicationId: string;
  readonly deliveryCount: number;
  /** Tries it took; more than one when a fault cut one short. */
  readonly tries: number;
}

export interface Offering {
  readonly offered: number;
  readonly acknowledged: Acknowledgement[];
  /** Never answered with success within the retry window: hookgate owes nothing for them. */
  readonly unacknowledged: number;
  /** Failed tries by cause (`network ECONNREFUSED`, `http 503`, `graphql INTERNAL_SERVER_ERROR`, …). */
  readonly failedTries: Record<string, number>;
}

const publishEvent = `mutation ($input: PublishEventInput!) {
  publishEvent(input: $input) { publicationId deliveryCount duplicate }
}`;

/**
 * Offers `count` publications through publishEvent, evenly over `overMs`, as a platform would:
 * a try that fails (the API down, PostgreSQL restarting) is tried again with the same idempotency
 * key, backing off, for up to `retryForMs`; the key makes a retry of a publication that was in
 * fact committed harmless. Each carries its number in `data`, which the default payload carries
 * to the partner: that is how the partner's receipts are matched to acknowledgements.
 */
export async function offerPublications(
  api: ApiClient,
  options: { count: number; overMs: number; retryForMs: number; runId: string; maxInFlight?: number },
): Promise<Offering> {
  const acknowledged: Acknowledgement[] = [];
  const failedTries: Record<string, number> = {};
  let unacknowledged = 0;
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = options.maxInFlight ?? 200;

  const offer = async (seq: number) => {
    const input = {
      type: "EVENT_UPDATED",
      eventId: randomUUID(),
      data: { chaos: { run: options.runId, seq } },
      idempotencyKey: `chaos-${options.runId}-${seq}`,
    };
    const giveUpAt = Date.now() + options.retryForMs;
    for (let tries = 1; ; tries++) {
      const answer = await api.request<{ publishEvent: { publicationId: string; deliveryCount: number } }>(publishEvent, { input });
      if (answer.ok) {
        acknowledged.push({ seq, ...answer.data.publishEvent, tries });
        return;
      }
      failedTries[answer.problem] = (failedTries[answer.problem] ?? 0) + 1;
      if (Date.now() > giveUpAt) {
        unacknowledged += 1;
        return;
      }
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(tries, 5)));
    }
  };

  const started = Date.now();
  for (let seq = 0; seq < options.count; seq++) {
    const due = started + (seq * options.overMs) / options.count;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const offering: Promise<void> = offer(seq).finally(() => inFlight.delete(offering));
    inFlight.add(offering);
  }
  await Promise.all(inFlight);
  return { offered: options.count, acknowledged, unacknowledged, failedTries };
}
