import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDeliverJob } from "../../src/store/jobs.js";
import { createGroup, publishEvent } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

// publishEvent calls that arrive together are written together (src/publish/publish.ts,
// publishAlone): each still gets its own deliveries, each delivery its job, and its own answer.
// No worker: the jobs stay queued, to be counted.
const app = useTestApp();

beforeAll(async () => {
  await createGroup(app, {
    name: "Created, and big orders",
    hooks: [
      { type: "EVENT_CREATED", endpoint: "https://partner.example/created" },
      { type: "EVENT_CREATED", endpoint: "https://partner.example/big", condition: { seats: { $gte: 100 } } },
    ],
  });
});

describe("publishEvent calls arriving together", () => {
  it("each fan out to their own matching hooks, with one queued job per delivery", async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => ({
      type: i % 2 === 0 ? "EVENT_CREATED" : "EVENT_UPDATED",
      eventId: randomUUID(),
      data: { seats: i % 4 === 0 ? 500 : 10 },
    }));
    const answers = await Promise.all(inputs.map((input) => publishEvent(app, input)));
    const expected = inputs.map((input) => (input.type === "EVENT_CREATED" ? (input.data.seats >= 100 ? 2 : 1) : 0));
    expect(answers.map((answer) => answer.deliveryCount)).toEqual(expected);
    expect(answers.every((answer) => !answer.duplicate)).toBe(true);

    const ids = answers.map((answer) => answer.publicationId);
    const { rows: deliveries } = await sql<{ id: string; publication_id: string; event_id: string }>`
      select id, publication_id, event_id from deliveries where publication_id = any(${ids}::uuid[])`.execute(app.db);
    answers.forEach((answer, i) => {
      const own = deliveries.filter((delivery) => delivery.publication_id === answer.publicationId);
      expect(own).toHaveLength(expected[i]!);
      expect(own.every((delivery) => delivery.event_id === inputs[i]!.eventId)).toBe(true);
    });
    const { rows: jobs } = await sql<{ payload: unknown }>`select payload from graphile_worker._private_jobs`.execute(app.db);
    const queued = jobs.map((job) => parseDeliverJob(job.payload).deliveryId);
    expect(queued.filter((id) => deliveries.some((delivery) => delivery.id === id)).sort()).toEqual(deliveries.map((d) => d.id).sort());
  });
});
