import { sql } from "kysely";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { readPendingDeliveries } from "../../src/store/pending-deliveries.js";
import { createEvent, createGroup, createOrder } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

// What /metrics reads for hookgate_deliveries_pending and hookgate_oldest_pending_delivery_age_seconds.
// No worker runs: the deliveries stay as the test sets them, the way a worker would leave them.

const app = useTestApp();
let eventId: string;

beforeAll(async () => {
  await createGroup(app, { name: "pending", hooks: [{ type: "ORDER_CREATED", endpoint: "https://pending.partner.example/" }] });
  eventId = (await createEvent(app)).id;
});

/** A new delivery of an order, then set as the test says (timestamps relative to now). */
async function delivery(status: "PENDING" | "RETRYING", createdSecondsAgo: number, dueInSeconds: number): Promise<void> {
  const order = await createOrder(app, eventId);
  await sql`update deliveries set status = ${status},
      created_at = now() - ${createdSecondsAgo} * interval '1 second',
      next_attempt_at = now() + ${dueInSeconds} * interval '1 second'
    where order_id = ${order.id}`.execute(app.db);
}

function byStatus(rows: Array<{ status: string; count: number; oldestDueAgeSeconds: number }>) {
  return Object.fromEntries(rows.map((row) => [row.status, { count: row.count, age: Math.round(row.oldestDueAgeSeconds) }]));
}

describe("the pending deliveries /metrics reports", () => {
  it("age from when the oldest delivery fell due, not from when it was published; deliveries waiting on purpose do not count", async () => {
    // Deferred behind its lane's retrying head (or a circuit, or a rate limit): published an hour ago, due in a minute.
    await delivery("PENDING", 3_600, 60);
    // Due 20 s ago and not sent: the queue's lag.
    await delivery("PENDING", 20, -20);
    // Recovered from a dead worker two days after it was published: due 5 s ago.
    await delivery("RETRYING", 2 * 86_400, -5);
    // Waiting out its retry delay.
    await delivery("RETRYING", 600, 300);

    // The ages grow from each row's own update on: a loaded machine takes a moment between them and the read.
    expect(byStatus(await readPendingDeliveries(app.db))).toEqual({
      PENDING: { count: 2, age: expect.toSatisfy((age: number) => age >= 20 && age < 25) },
      RETRYING: { count: 2, age: expect.toSatisfy((age: number) => age >= 5 && age < 10) },
    });

    // Nothing due: 0, however old the deliveries.
    await sql`update deliveries set next_attempt_at = now() + interval '1 minute' where finished_at is null`.execute(app.db);
    expect(byStatus(await readPendingDeliveries(app.db))).toEqual({ PENDING: { count: 2, age: 0 }, RETRYING: { count: 2, age: 0 } });
  });

  it("ends the statement in the database when it takes longer than its timeout", async () => {
    // Another session holds the table: the statement waits, as it would on a database too busy to answer.
    const holder = new pg.Client({ connectionString: app.hookgate.services.databaseUrl });
    await holder.connect();
    try {
      await holder.query("begin; lock table deliveries in access exclusive mode");
      const started = Date.now();
      await expect(readPendingDeliveries(app.db, 300)).rejects.toMatchObject({ code: "57014" }); // query_canceled
      expect(Date.now() - started).toBeLessThan(2_000);
      // Nothing of it is left running, waiting for the lock.
      const { rows } = await holder.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%oldest_due_age_seconds%'",
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await holder.query("rollback").catch(() => {});
      await holder.end();
    }
  });
});
