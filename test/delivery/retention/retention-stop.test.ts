import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { retentionCronIdentifier } from "../../../src/delivery/retention/retention-task.js";
import { taskNames } from "../../../src/store/jobs.js";
import { waitForDeliveryIds } from "../../support/delivery-log.js";
import { eventually } from "../../support/eventually.js";
import { createEvent, createGroup, createOrder, groupInput } from "../../support/fixtures.js";
import { useTestApp } from "../../support/test-app.js";
import { cloneFinished, day } from "./seed.js";

// A worker asked to stop does not wait for a long purge to end: the run stops between two
// batches, and what is left waits for the next hour.
const app = useTestApp({}, { worker: true });

describe("a worker stopping during a retention run", () => {
  it("stops the run between two batches at once, leaving the rest", async () => {
    const eventId = (await createEvent(app)).id;
    const input = groupInput({ hooks: [{ type: "ORDER_CREATED", endpoint: "https://partner.example/orders" }], authentication: null });
    const groupId = (await createGroup(app, input)).webhookGroup.id as string;
    await createOrder(app, eventId);
    const [like] = await waitForDeliveryIds(app, { groupId }, 1);
    const clones = await cloneFinished(app.db, like!, 20_000, 31 * day, 1);
    const remaining = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from deliveries where id = any(${clones}::uuid[])`.execute(app.db)).rows[0]!.n;

    await sql`select graphile_worker.add_job(${taskNames.retention}, '{}'::json,
      queue_name => ${retentionCronIdentifier}, job_key => ${retentionCronIdentifier})`.execute(app.db);
    await eventually(remaining, (n) => n < clones.length, { intervalMs: 10, what: "the first batch deleted" });
    const started = Date.now();
    await app.hookgate.worker!.stop();
    const stoppedInMs = Date.now() - started;

    // Without the stop, graphile-worker would wait for the job (the whole purge, or its 10 s
    // abort timeout here): the rest would be gone, or the stop slow. The stop waits for the one
    // batch in flight, which a loaded machine may take a second or two over.
    expect(await remaining()).toBeGreaterThan(0);
    expect(stoppedInMs).toBeLessThan(5_000);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = ${taskNames.retention}`.execute(app.db);
    // The run ended successfully (the job is gone, not failed and waiting for a retry).
    expect(rows[0]!.n).toBe(0);
  });
});
