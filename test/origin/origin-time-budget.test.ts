import { setTimeout as pause } from "node:timers/promises";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useCleanup } from "../support/cleanup.js";
import { waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { createEvent, createOrder, createViewerKey } from "../support/fixtures.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { eventually } from "../support/eventually.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

// A built-in origin query has a time budget (HOOKGATE_ORIGIN_TIMEOUT): once it passes, the
// execution starts no further statement, and the preview or delivery attempt says so at once.

const budgetMs = 500;
const env = { HOOKGATE_ORIGIN_TIMEOUT: `${budgetMs}ms` };
const closeAfterTest = useCleanup();

// The event, then a page of its orders, then each order's event: three rounds of statements.
const slowOrigin = JSON.stringify({
  variables: { id: "%EVENT_ID%" },
  query: "query ($id: ID!) { event(id: $id) { id orders(first: 10) { edges { node { id event { id title } } } } } }",
});

const previewQuery = `query ($input: PreviewHookPayloadInput!) { previewHookPayload(input: $input) { payload body errors } }`;

/**
 * Holds an exclusive lock on `orders` until `release` is called (or `holdMs` passes, so a build
 * without the budget still ends): reading a page of orders waits as long as a slow query would.
 */
async function lockOrders(app: TestApp, holdMs: number) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked = () => {};
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const transaction = app.db.transaction().execute(async (trx) => {
    await sql`lock table orders in access exclusive mode`.execute(trx);
    locked();
    await Promise.race([released, pause(holdMs)]);
  });
  await isLocked;
  return async () => {
    release();
    await transaction;
  };
}

/** Statements the app's pool starts (each takes a connection), with when they started. */
function recordStatements(app: TestApp) {
  const startedAt: number[] = [];
  const pool = app.hookgate.services.pool;
  const onAcquire = () => startedAt.push(performance.now());
  pool.on("acquire", onAcquire);
  return {
    startedAt,
    stop: () => pool.off("acquire", onAcquire),
    /** Every connection back in the pool: nothing the app started is still running. */
    idle: () => eventually(() => pool.totalCount - pool.idleCount, (busy) => busy === 0, { what: "an idle pool" }),
  };
}

describe("the built-in origin's time budget, previewed", () => {
  // No worker here: every statement the pool starts is the preview's (a worker polls).
  const app = useTestApp(env);

  it("stops a preview's execution once it has passed: a clear error at once, and no statement after", async () => {
    const org = await app.createOrganization("Slow preview");
    const event = await createEvent(app, { title: "Slow" }, org.adminKey);
    for (let i = 0; i < 3; i++) await createOrder(app, event.id, org.adminKey);
    const viewerKey = await createViewerKey(app, org.adminKey);

    const unlock = await lockOrders(app, 5_000);
    const statements = recordStatements(app);
    try {
      const startedAt = performance.now();
      const result = await app.graphql(previewQuery, { input: { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: slowOrigin } } }, { key: viewerKey });
      const answeredAt = performance.now();
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      expect(result.data?.previewHookPayload).toEqual({
        payload: null,
        body: null,
        errors: [`the built-in origin query ran past its time budget of ${budgetMs} ms and was stopped; ask for less data`],
      });
      expect(answeredAt - startedAt).toBeLessThan(budgetMs + 1_500);

      // The page of orders it was waiting for now arrives; the execution asks for nothing more.
      await unlock();
      await statements.idle();
      expect(statements.startedAt.filter((at) => at > answeredAt)).toEqual([]);
    } finally {
      statements.stop();
      await unlock();
    }
  });

});

describe("the built-in origin's time budget, delivered", () => {
  const app = useTestApp(env, { worker: true });

  it("fails a delivery's attempt with the same clear error, and a later attempt within the budget delivers", async () => {
    const { org, receiver } = await isolatedGroup(app, closeAfterTest, "Slow delivery", {
      type: "EVENT_UPDATED",
      path: "/hooks",
      origin: { body: slowOrigin },
    });
    const event = await createEvent(app, { title: "Slow" }, org.adminKey);
    await createOrder(app, event.id, org.adminKey);

    const unlock = await lockOrders(app, 5_000);
    try {
      await app.graphql(`mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Slower" }) { id } }`, { id: event.id }, { key: org.adminKey });
      const [deliveryId] = await waitForDeliveryIds(app, { eventId: event.id, type: "EVENT_UPDATED" }, 1, { key: org.adminKey });
      await waitForDelivery(app, deliveryId!, (delivery) => delivery.attemptCount >= 1, { key: org.adminKey });
    } finally {
      await unlock();
    }
    const [deliveryId] = await waitForDeliveryIds(app, { eventId: event.id, type: "EVENT_UPDATED" }, 1, { key: org.adminKey });
    const delivered = await waitForDelivery(app, deliveryId!, (delivery) => delivery.status === "SUCCEEDED", { key: org.adminKey });
    expect(delivered.attempts[0]!.error).toBe(`the built-in origin query ran past its time budget of ${budgetMs} ms and was stopped; ask for less data`);
    expect(delivered.attempts[0]!.responseStatus).toBeNull();
    expect(JSON.parse(delivered.payload!).data.event.orders.edges).toHaveLength(1);
    expect(receiver.requests).toHaveLength(1);
  });
});
