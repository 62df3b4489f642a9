import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabaseLink } from "../support/database-link.js";
import { waitUntilSettled } from "../support/delivery-log.js";
import { createGroup, groupInput } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// Issue 10, item 3: a PostgreSQL restart or failover must not stop a process. hookgate runs here as
// `npm start` does (API and worker in one process), reaching PostgreSQL through a link the test cuts
// the way a restart would: every connection dropped at once, new ones refused for a while. A
// process that dies of it fails the file (vitest reports the unhandled error); one that lives on
// but stops delivering fails the checks below.

const link = useDatabaseLink();
const app = useTestApp(
  { HOOKGATE_WORKER_POLL_INTERVAL: "100ms", HOOKGATE_WORKER_STALE_AFTER: "3s" },
  { worker: true, databaseUrl: (url) => link.through(url) },
);
const receiver = useReceiver();
const unhandled: unknown[] = [];
const onUnhandled = (error: unknown) => unhandled.push(error);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  await createGroup(app, groupInput({ hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/hooks` }], authentication: undefined }));
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

const createEvent = `mutation { createEvent(input: { title: "Show", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`;

/** Offers changes through the API without pause until stopped; answers which ones it acknowledged. */
function keepPublishing() {
  const acknowledged: string[] = [];
  const refused: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const result = await app.graphql<{ createEvent: { id: string } }>(createEvent).catch((error: Error) => ({
        status: 0,
        data: null,
        errors: [{ message: error.message }],
      }));
      if (result.data?.createEvent) acknowledged.push(result.data.createEvent.id);
      else refused.push(`${result.status} ${result.errors?.[0]?.message}`);
    }
  })();
  return {
    acknowledged,
    refused,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function eventIdsDelivered(): Promise<Set<string>> {
  return new Set(receiver.requests.map((request) => (JSON.parse(request.body) as { event_id: string }).event_id));
}

describe("a database restart under load", () => {
  it("leaves the process running, and every acknowledged change is delivered, also those made after", async () => {
    const publisher = keepPublishing();
    for (let cut = 0; cut < 3; cut++) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await link.cut(1_500);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await publisher.stop();
    const before = publisher.acknowledged.length;
    expect(link.dropped).toBeGreaterThan(0);
    expect(before).toBeGreaterThan(10);

    // Made after the last cut: only a worker that carried on delivers them.
    const after = keepPublishing();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await after.stop();
    expect(after.acknowledged.length).toBeGreaterThan(0);

    await waitUntilSettled(app, {}, 60_000);
    const delivered = await eventIdsDelivered();
    const missing = [...publisher.acknowledged, ...after.acknowledged].filter((id) => !delivered.has(id));
    expect(missing).toEqual([]);
    expect(unhandled).toEqual([]);
  }, 120_000);
});
