import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useCleanup } from "../support/cleanup.js";
import { waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createEvent, createGroupMutation, createViewerKey, seedOriginBodies } from "../support/fixtures.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { count } from "../support/row-count.js";
import { useTestApp } from "../support/test-app.js";

// Origin queries under the API's query limits: refused at creation and preview (a viewer key may
// preview), and, for one stored before the limits held, at delivery, where the attempt fails
// saying why instead of building megabytes.

const app = useTestApp({}, { worker: true });
const closeAfterTest = useCleanup();

// Issue 10's fragment chain, 15 fields deep once its fragments are spread.
const fragmentChain =
  "{ events(first:100){edges{node{...F0}}}} fragment F0 on Event{orders(first:100){edges{node{id event{...F1}}}}} " +
  "fragment F1 on Event{orders(first:100){edges{node{id event{...F2}}}}} fragment F2 on Event{orders(first:100){totalCount edges{node{id}}}}";
// Within the depth, but 100 events × 100 orders once the fragment is spread.
const wideFragment = "{ events(first:100){edges{node{...F}}}} fragment F on Event{orders(first:100){edges{node{id}}}}";
// An origin body holds at most 64 KiB: a thousand aliases fit, and are refused while parsing.
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `e${i}: events(first: 100) { edges { node { id } } }`).join(" ")} }`;

const groupCount = () => count(app.db, sql<{ n: string }>`select count(*) as n from webhook_groups`);
const originBody = (query: string) => JSON.stringify({ query });

const refusals = [
  ["the fragment chain", fragmentChain, /the query nests 15 fields deep, more than 12/],
  ["a fragment of 100 × 100 objects", wideFragment, /the query could return 10100 objects, more than 10000/],
  ["1,000 aliases", aliases(1_000), /the query has more than 1000 tokens/],
  ["31 aliases", aliases(31), /the query has 31 aliases, more than 30/],
] as const;

const previewQuery = `query ($input: PreviewHookPayloadInput!) { previewHookPayload(input: $input) { payload body errors } }`;

describe("an origin query is held to the API's limits", () => {
  it.each(refusals)("createWebhookGroup refuses %s, naming the hook's origin, and writes nothing", async (_, query, message) => {
    const groupsBefore = await groupCount();
    const input = { name: "Costly", hooks: [{ type: "EVENT_CREATED", endpoint: "https://partner.example/hooks", origin: { body: originBody(query) } }] };
    const startedAt = performance.now();
    const result = await app.graphql(createGroupMutation, { input });
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expectError(result, "BAD_USER_INPUT", "input.hooks[0].origin.body");
    expect(result.errors![0]!.message).toMatch(message);
    expect(await groupCount()).toBe(groupsBefore);
  });

  it.each(refusals)("previewHookPayload refuses %s for a viewer key", async (_, query, message) => {
    const viewerKey = await createViewerKey(app);
    const event = await createEvent(app);
    const input = { hookType: "EVENT_UPDATED", eventId: event.id, origin: { body: originBody(query) } };
    const result = await app.graphql(previewQuery, { input }, { key: viewerKey });
    expectError(result, "BAD_USER_INPUT", "input.origin.body");
    expect(result.errors![0]!.message).toMatch(message);
  });
});

describe("an origin stored before the limits held", () => {
  it("fails its delivery's attempts with a clear error, sends nothing, and is refused by a viewer's preview", async () => {
    const { org, receiver, groupId } = await isolatedGroup(app, closeAfterTest, "Stored before the limits", {
      type: "EVENT_CREATED",
      path: "/hooks",
      origin: { body: seedOriginBodies.eventShort },
    });
    // As a group created before this change would have it: the query was accepted then.
    await app.db.updateTable("hooks").set({ origin_body: originBody(fragmentChain) }).where("webhook_group_id", "=", groupId).execute();

    const event = await createEvent(app, { title: "Costly payload" }, org.adminKey);
    const [deliveryId] = await waitForDeliveryIds(app, { eventId: event.id }, 1, { key: org.adminKey });
    const failed = await waitForDelivery(app, deliveryId!, (delivery) => delivery.status === "FAILED", { key: org.adminKey });
    await waitUntilSettled(app, { groupId });
    expect(failed.payload).toBeNull();
    expect(failed.attempts.length).toBeGreaterThan(0);
    for (const attempt of failed.attempts) {
      expect(attempt.error).toMatch(/^the stored origin query is refused: origin\.body: the query nests 15 fields deep, more than 12/);
      expect(attempt.responseStatus).toBeNull();
    }
    expect(receiver.requests).toEqual([]);

    // The stored origin, previewed as the group shows it, by a reader.
    const shown = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { hooks { origin { body } } } }`, { id: groupId }, { key: org.adminKey });
    const storedBody = shown.data?.webhookGroup.hooks[0].origin.body as string;
    expect(JSON.parse(storedBody).query).toBe(fragmentChain);
    const viewerKey = await createViewerKey(app, org.adminKey);
    const input = { hookType: "EVENT_CREATED", eventId: event.id, origin: { body: storedBody } };
    const previewed = await app.graphql(previewQuery, { input }, { key: viewerKey });
    expectError(previewed, "BAD_USER_INPUT", "input.origin.body");
  });
});
