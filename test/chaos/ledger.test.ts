import { describe, expect, it } from "vitest";
import { balance } from "../../chaos/ledger.js";

const ack = (seq: number, deliveryCount = 2) => ({ seq, deliveryCount });
const got = (webhookId: string, seq: number | null, ok = 1) => ({ webhookId, seq, ok });

describe("the chaos ledger", () => {
  it("balances when every acknowledged publication's deliveries were accepted", () => {
    const ledger = balance(2, [ack(0), ack(1)], [got("a", 0), got("b", 0), got("c", 1), got("d", 1)]);
    expect(ledger).toMatchObject({ publicationsOffered: 2, publicationsAcknowledged: 2, deliveriesExpected: 4, delivered: 4, missing: 0 });
  });

  it("counts a delivery the partner never accepted as missing, and names its publication", () => {
    // "c" only ever got a 500 or a stall: requests, but no 2xx.
    const ledger = balance(2, [ack(0), ack(1)], [got("a", 0), got("b", 0), got("c", 1, 0)]);
    expect(ledger).toMatchObject({ deliveriesExpected: 4, delivered: 2, missing: 2, missingSeqs: [1] });
  });

  it("counts a webhook-id accepted twice as delivered more than once, not as two deliveries", () => {
    const ledger = balance(1, [ack(0)], [got("a", 0, 3), got("b", 0)]);
    expect(ledger).toMatchObject({ delivered: 2, missing: 0, deliveredMoreThanOnce: 1, surplus: 0 });
  });

  it("cannot be balanced by extra webhook-ids for one publication: they are surplus, the other stays missing", () => {
    const ledger = balance(2, [ack(0), ack(1)], [got("a", 0), got("b", 0), got("x", 0), got("c", 1)]);
    expect(ledger).toMatchObject({ delivered: 3, missing: 1, surplus: 1, missingSeqs: [1] });
  });

  it("owes nothing for a publication never acknowledged, and shows what arrived for it apart", () => {
    const ledger = balance(2, [ack(0)], [got("a", 0), got("b", 0), got("c", 1)]);
    expect(ledger).toMatchObject({ publicationsAcknowledged: 1, deliveriesExpected: 2, delivered: 2, missing: 0, deliveredUnacknowledged: 1 });
  });

  it("counts a publication acknowledged twice (a retried call answered as a duplicate) once", () => {
    const ledger = balance(1, [ack(0), ack(0)], [got("a", 0), got("b", 0)]);
    expect(ledger).toMatchObject({ publicationsAcknowledged: 1, deliveriesExpected: 2, missing: 0 });
  });
});
