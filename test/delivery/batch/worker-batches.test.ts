import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createWorkerBatches } from "../../../src/delivery/batch/worker-batches.js";
import type { RoundRecord } from "../../../src/store/record-rounds.js";
import { createEvent, createGroup, createOrder, groupInput } from "../../support/fixtures.js";
import { useTestApp } from "../../support/test-app.js";

// No worker runs: the test records rounds itself, as the worker's batches do.
const app = useTestApp();
let groupId: string;
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
  const input = groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: "https://partner.example/orders" }], authentication: null });
  groupId = (await createGroup(app, input)).webhookGroup.id as string;
});

async function newDelivery(): Promise<string> {
  await createOrder(app, eventId);
  const { rows } = await sql<{ id: string }>`
    select id from deliveries where webhook_group_id = ${groupId} order by lane_seq desc limit 1`.execute(app.db);
  return rows[0]!.id;
}

function succeeded(deliveryId: string, requestUrl = "https://partner.example/orders"): RoundRecord {
  return {
    deliveryId,
    attemptsRecorded: 0,
    attempts: [
      {
        number: 1, startedAt: new Date(), durationMs: 12, requestMethod: "POST", requestUrl, requestHeaders: { "webhook-id": deliveryId },
        responseStatus: 200, responseHeaders: {}, responseBody: "ok", responseBodyTruncated: false, error: null, note: null,
      },
    ],
    outcome: { status: "SUCCEEDED", retry: null },
    payload: { body: "{}", errors: null },
  };
}

describe("the worker's recording batch", () => {
  it("records rounds that end together in one statement, each guarded on its own", async () => {
    const batches = createWorkerBatches(() => app.db);
    const [a, b] = [await newDelivery(), await newDelivery()];
    const seen = await Promise.all([batches.recordRound(succeeded(a)), batches.recordRound(succeeded(b)), batches.recordRound(succeeded(a))]);
    // One of the two rounds of `a` lost the race and changed nothing.
    expect(seen.filter((group) => group === null)).toHaveLength(1);
    const { rows } = await sql<{ id: string; status: string; attempts: string }>`
      select d.id, d.status, (select count(*) from delivery_attempts where delivery_id = d.id) as attempts
      from deliveries d where d.id in (${a}, ${b})`.execute(app.db);
    expect(rows.map((row) => [row.status, Number(row.attempts)])).toEqual([["SUCCEEDED", 1], ["SUCCEEDED", 1]]);
  });

  it("keeps the others when one round of a batch is refused: only that one fails", async () => {
    const batches = createWorkerBatches(() => app.db);
    const good = await newDelivery();
    // A delivery id PostgreSQL cannot read fails the whole statement; the batch then records alone.
    const results = await Promise.allSettled([batches.recordRound(succeeded(good)), batches.recordRound(succeeded("not-a-uuid"))]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected"]);
    const { rows } = await sql<{ status: string }>`select status from deliveries where id = ${good}`.execute(app.db);
    expect(rows[0]!.status).toBe("SUCCEEDED");
  });

  it("loads the deliveries named together in one statement, and answers null for one that does not exist", async () => {
    const batches = createWorkerBatches(() => app.db);
    const id = await newDelivery();
    const [found, missing] = await Promise.all([batches.loadDelivery(id), batches.loadDelivery(randomUUID())]);
    expect(found?.id).toBe(id);
    expect(found?.hook_endpoint).toBe("https://partner.example/orders");
    expect(missing).toBeNull();
  });
});
