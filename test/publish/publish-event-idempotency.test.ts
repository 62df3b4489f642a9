import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { requestsAbout } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createGroup, publishEvent, publishEventMutation } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// schema/delivery.graphql, publishEvent's idempotencyKey: the same key within 24 hours publishes
// nothing more and answers the first publication, so a retried call is harmless.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
let other: { id: string; adminKey: string };

beforeAll(async () => {
  // One EVENT_CREATED hook in the Default organization, one in another: a publication's requests
  // tell which organization it was made in.
  await createGroup(app, { name: "Ours", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/ours` }] });
  other = await app.createOrganization("Other platform");
  await createGroup(app, { name: "Theirs", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/theirs` }] }, other.adminKey);
});

const eventCreated = (idempotencyKey: string) => ({ type: "EVENT_CREATED", eventId: randomUUID(), idempotencyKey });

describe("publishEvent's idempotencyKey", () => {
  it("publishes nothing more for a key used within 24 hours, and answers the first publication", async () => {
    const key = `order-sync-${randomUUID()}`;
    const firstInput = eventCreated(key);
    const first = await publishEvent(app, firstInput);
    // A retry of the same call, even with other content, is answered with the first publication.
    const againInput = eventCreated(key);
    const again = await publishEvent(app, againInput);
    expect(first).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(again).toEqual({ publicationId: first.publicationId, deliveryCount: 1, duplicate: true });

    // A different key is a new publication.
    const nextInput = eventCreated(`${key}-2`);
    const next = await publishEvent(app, nextInput);
    expect(next).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(next.publicationId).not.toBe(first.publicationId);

    const requests = await requestsAbout(app, receiver, firstInput.eventId, againInput.eventId, nextInput.eventId);
    expect(requests.map((request) => JSON.parse(request.body).event_id).sort()).toEqual([firstInput.eventId, nextInput.eventId].sort());
    expect(new Set(requests.map((request) => request.headers["webhook-id"])).size).toBe(2);
    const { rows } = await sql<{ publication_id: string; n: string }>`
      select publication_id, count(*) as n from deliveries
      where publication_id in (${first.publicationId}, ${next.publicationId})
      group by publication_id order by publication_id`.execute(app.db);
    expect(rows.map((row) => Number(row.n))).toEqual([1, 1]);
  });

  it("keeps keys per organization: another organization may use the same key", async () => {
    const key = `shared-${randomUUID()}`;
    const [oursInput, theirsInput] = [eventCreated(key), eventCreated(key)];
    const ours = await publishEvent(app, oursInput);
    const theirs = await publishEvent(app, theirsInput, other.adminKey);
    expect(ours).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(theirs).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(theirs.publicationId).not.toBe(ours.publicationId);
    const requests = await requestsAbout(app, receiver, oursInput.eventId, theirsInput.eventId);
    expect(requests.map((request) => request.path).sort()).toEqual(["/ours", "/theirs"]);
  });

  it("answers concurrent calls with one key with one publication", async () => {
    const key = `concurrent-${randomUUID()}`;
    const inputs = Array.from({ length: 6 }, () => eventCreated(key));
    const answers = await Promise.all(inputs.map((input) => publishEvent(app, input)));
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.publicationId)).size).toBe(1);
    expect(answers.every((answer) => answer.deliveryCount === 1)).toBe(true);
    expect(await requestsAbout(app, receiver, ...inputs.map((input) => input.eventId))).toHaveLength(1);
  });

  it("lets a key be reused once its 24 hours are over", async () => {
    const key = `daily-${randomUUID()}`;
    const firstInput = eventCreated(key);
    const first = await publishEvent(app, firstInput);
    await sql`update publication_keys set created_at = created_at - interval '25 hours'
      where organization_id = ${app.defaultOrganizationId} and idempotency_key = ${key}`.execute(app.db);
    const laterInput = eventCreated(key);
    const later = await publishEvent(app, laterInput);
    expect(later).toMatchObject({ deliveryCount: 1, duplicate: false });
    expect(later.publicationId).not.toBe(first.publicationId);
    // From now on the key answers the new publication.
    const againInput = eventCreated(key);
    const again = await publishEvent(app, againInput);
    expect(again).toEqual({ publicationId: later.publicationId, deliveryCount: 1, duplicate: true });
    const requests = await requestsAbout(app, receiver, firstInput.eventId, laterInput.eventId, againInput.eventId);
    expect(requests.map((request) => JSON.parse(request.body).event_id).sort()).toEqual([firstInput.eventId, laterInput.eventId].sort());
  });

  it("publishes anew when the key expires and retention deletes it between the claim and the read", async () => {
    const key = `vanishing-${randomUUID()}`;
    const firstInput = eventCreated(key);
    const first = await publishEvent(app, firstInput);
    // A millisecond of its 24 hours left: the next claim finds the key held. Retention deleting it
    // just then is played by a trigger that deletes it at the end of that claim's statement.
    await sql`update publication_keys set created_at = now() - interval '24 hours' + interval '5 minutes'
      where organization_id = ${app.defaultOrganizationId} and idempotency_key = ${key}`.execute(app.db);
    await sql`create function test_key_expires() returns trigger language plpgsql as $$
      begin
        delete from publication_keys where idempotency_key like 'vanishing-%' and created_at < now() - interval '23 hours';
        return null;
      end $$`.execute(app.db);
    await sql`create trigger test_key_expires after insert on publication_keys for each statement execute function test_key_expires()`.execute(app.db);
    try {
      const laterInput = eventCreated(key);
      const later = await publishEvent(app, laterInput);
      expect(later).toMatchObject({ deliveryCount: 1, duplicate: false });
      expect(later.publicationId).not.toBe(first.publicationId);
      // The key now holds the new publication.
      expect(await publishEvent(app, eventCreated(key))).toEqual({ publicationId: later.publicationId, deliveryCount: 1, duplicate: true });
      const requests = await requestsAbout(app, receiver, firstInput.eventId, laterInput.eventId);
      expect(requests.map((request) => JSON.parse(request.body).event_id).sort()).toEqual([firstInput.eventId, laterInput.eventId].sort());
    } finally {
      await sql`drop trigger test_key_expires on publication_keys`.execute(app.db);
      await sql`drop function test_key_expires()`.execute(app.db);
    }
  });

  it("answers a duplicate with the first publication's deliveries still in the log", async () => {
    // A window under 24 hours (HOOKGATE_RETENTION=1h) deletes the first publication's finished
    // deliveries while its key still holds it: nothing keeps their number, so the duplicate says 0.
    const key = `outlived-${randomUUID()}`;
    const input = eventCreated(key);
    const first = await publishEvent(app, input);
    await requestsAbout(app, receiver, input.eventId);
    await sql`delete from delivery_attempts where delivery_id in (select id from deliveries where publication_id = ${first.publicationId})`.execute(app.db);
    await sql`delete from deliveries where publication_id = ${first.publicationId}`.execute(app.db);
    expect(await publishEvent(app, eventCreated(key))).toEqual({ publicationId: first.publicationId, deliveryCount: 0, duplicate: true });
  });

  it("leaves a refused call's idempotency key unused", async () => {
    const key = `refused-then-fine-${randomUUID()}`;
    const refused = await app.graphql(publishEventMutation, { input: { type: "EVENT_CREATED", eventId: "nope", idempotencyKey: key } });
    expectError(refused, "BAD_USER_INPUT", "input.eventId");
    const fineInput = eventCreated(key);
    const fine = await publishEvent(app, fineInput);
    expect(fine).toMatchObject({ duplicate: false, deliveryCount: 1 });
    expect(await requestsAbout(app, receiver, fineInput.eventId)).toHaveLength(1);
  });
});
