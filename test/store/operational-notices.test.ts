import { sql } from "kysely";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { recordRoundsAnnouncingFailures } from "../../src/store/record-failed-rounds.js";
import type { RoundRecord } from "../../src/store/record-rounds.js";
import { recordGroupHealth } from "../../src/store/webhook-group-state.js";
import { createEvent, createOrder } from "../support/fixtures.js";
import { createFullGroup } from "../support/group-helpers.js";
import { useTestApp } from "../support/test-app.js";

// No worker runs: what a worker would find after a crash is what these statements committed.
// A notice is written with the state change it announces — its publication, its delivery and the
// job that sends it — or, when the change rolls back, not at all.

const app = useTestApp();
let watcherId: string;
let failingId: string;
let eventId: string;

beforeAll(async () => {
  const ops = ["GROUP_DISABLED", "DELIVERY_FAILED"].map((type) => ({ type, endpoint: "https://ops.partner.example/" }));
  watcherId = (await createFullGroup(app, { name: "watcher", hooks: ops })).webhookGroup.id;
  failingId = (await createFullGroup(app, { name: "failing", hooks: [{ type: "ORDER_CREATED", endpoint: "https://down.partner.example/" }] })).webhookGroup.id;
  eventId = (await createEvent(app)).id;
});

/** The watcher's deliveries of `type`, each with whether a job to send it is queued. */
async function notices(type: string) {
  const { rows } = await sql<{ id: string; data: Record<string, unknown>; queued: boolean }>`
    select d.id, p.data,
      exists (select 1 from graphile_worker._private_jobs j where j.payload->>'deliveryId' = d.id::text) as queued
    from deliveries d join publications p on p.id = d.publication_id
    where d.webhook_group_id = ${watcherId} and d.type = ${type} order by d.created_at`.execute(app.db);
  return rows;
}

async function orderDelivery(): Promise<string> {
  const order = await createOrder(app, eventId);
  const { rows } = await sql<{ id: string }>`select id from deliveries where order_id = ${order.id}`.execute(app.db);
  return rows[0]!.id;
}

function failedRound(deliveryId: string, scheduleRanOut: boolean): RoundRecord {
  const attempt = {
    number: 1, startedAt: new Date(), durationMs: 3, requestMethod: "POST", requestUrl: "https://down.partner.example/",
    requestHeaders: {}, responseStatus: 503, responseHeaders: {}, responseBody: "", responseBodyTruncated: false, error: null, note: null,
  };
  return { deliveryId, attemptsRecorded: 0, attempts: [attempt], outcome: { status: "FAILED", retry: null }, payload: null, scheduleRanOut };
}

describe("operational notices are written with the change they announce", () => {
  it("a round recorded FAILED for good commits its DELIVERY_FAILED, delivery and job with it; one never sent, none", async () => {
    const failed = await orderDelivery();
    const unsent = await orderDelivery();
    await recordRoundsAnnouncingFailures(app.db, [failedRound(failed, true), failedRound(unsent, false)]);
    const written = await notices("DELIVERY_FAILED");
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ queued: true, data: { group_id: failingId, failed_delivery_id: failed, last_response_status: 503, attempts: 1 } });

    // The same round again (a duplicate job after a crash) lost its race: nothing more is announced.
    await recordRoundsAnnouncingFailures(app.db, [failedRound(failed, true)]);
    expect(await notices("DELIVERY_FAILED")).toHaveLength(1);
  });

  it("disabling a group and its GROUP_DISABLED commit in one statement, or neither does", async () => {
    await sql`update webhook_groups set failing_since = now() - interval '1 hour' where id = ${failingId}`.execute(app.db);
    const health = { groupId: failingId, succeeded: false, disableAfterMs: 60_000, reason: "failing for a minute" };

    // Rolled back with the transaction it ran in: still enabled, nothing announced.
    await expect(
      app.db.transaction().execute(async (trx) => {
        await recordGroupHealth(trx, health);
        throw new Error("the process died before the commit");
      }),
    ).rejects.toThrow("died");
    const still = await sql<{ enabled: boolean }>`select enabled from webhook_groups where id = ${failingId}`.execute(app.db);
    expect(still.rows[0]!.enabled).toBe(true);
    expect(await notices("GROUP_DISABLED")).toHaveLength(0);

    await recordGroupHealth(app.db, health);
    const { rows } = await sql<{ enabled: boolean; auto_disabled: boolean }>`select enabled, auto_disabled from webhook_groups where id = ${failingId}`.execute(
      app.db,
    );
    expect(rows[0]).toEqual({ enabled: false, auto_disabled: true });
    const written = await notices("GROUP_DISABLED");
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ queued: true, data: { group_id: failingId, group_name: "failing", reason: "failing for a minute" } });

    // A failure of a group already disabled changes nothing, and announces nothing again.
    await recordGroupHealth(app.db, health);
    expect(await notices("GROUP_DISABLED")).toHaveLength(1);
  });
});

describe("recording a group's health", () => {
  it("does not wait for a transaction that is writing a delivery for the group", async () => {
    const groupId = (await createFullGroup(app, { name: "busy", hooks: [{ type: "ORDER_CREATED", endpoint: "https://busy.partner.example/" }] })).webhookGroup.id;
    const order = await createOrder(app, eventId);
    // A publish still open: its delivery's foreign key holds a KEY SHARE lock on the group's row.
    const publisher = new pg.Client({ connectionString: app.hookgate.services.databaseUrl });
    await publisher.connect();
    try {
      await publisher.query("begin");
      await publisher.query(
        `insert into deliveries (organization_id, publication_id, webhook_group_id, hook_id, type, occurred_at, mode)
         select organization_id, publication_id, webhook_group_id, hook_id, type, occurred_at, mode
         from deliveries where webhook_group_id = $1 and order_id = $2`,
        [groupId, order.id],
      );
      await app.db.transaction().execute(async (trx) => {
        // A wait for the row lock fails here (the transaction throws) instead of lasting as long as the publish does.
        await sql`set local lock_timeout = '500ms'`.execute(trx);
        await recordGroupHealth(trx, { groupId, succeeded: false, disableAfterMs: 60_000, reason: "failing for a minute" });
      });
      const { rows } = await sql<{ failing: boolean }>`select failing_since is not null as failing from webhook_groups where id = ${groupId}`.execute(app.db);
      expect(rows[0]!.failing).toBe(true);
    } finally {
      await publisher.query("rollback").catch(() => {});
      await publisher.end();
    }
  });
});
