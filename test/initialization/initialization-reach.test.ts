import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { createApiKey, createEvent } from "../support/fixtures.js";
import { createFullGroup, receiverGroupInput, requestsTo } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// Initializations and the keys of issue 12: a SANDBOX group's backfill is SANDBOX all the way to
// the partner, and a key reaches (starts, reads) the initializations of its groups only.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

const initializeMutation = `mutation ($groupId: ID!) {
  initializeWebhookGroup(groupId: $groupId, input: { types: [EVENT_CREATED] }) { id queued } }`;
const readQuery = `query ($id: ID!) { initialization(id: $id) { id queued } }`;

describe("initializations, modes and limited keys", () => {
  it("backfills a SANDBOX group with SANDBOX deliveries that carry webhook-mode: sandbox", async () => {
    const org = await app.createOrganization("Init sandbox");
    await createEvent(app, { title: "Existing" }, org.adminKey);
    const sandbox = (await createApiKey(app, "ADMIN", org.adminKey, { mode: "SANDBOX" })).apiKey;
    const group = (await createFullGroup(app, receiverGroupInput(receiver, "/sandbox-init", ["EVENT_CREATED"]), sandbox)).webhookGroup;

    const started = await app.graphql(initializeMutation, { groupId: group.id }, { key: sandbox });
    expect(started.data?.initializeWebhookGroup.queued).toBe(1);
    const [request] = await eventually(() => requestsTo(receiver, "/sandbox-init"), (found) => found.length === 1, { what: "the backfilled delivery" });
    expect(request!.headers["webhook-mode"]).toBe("sandbox");
    const log = await app.graphql(`{ deliveries(filter: { mode: SANDBOX }) { edges { node { mode initialization } } } }`, {}, { key: sandbox });
    expect(log.data?.deliveries.edges).toEqual([{ node: { mode: "SANDBOX", initialization: true } }]);
  });

  it("lets a key start and read the initializations of the groups it reaches only; another group answers as an unknown one", async () => {
    const org = await app.createOrganization("Init reach");
    await createEvent(app, { title: "Existing" }, org.adminKey);
    const mine = (await createFullGroup(app, receiverGroupInput(receiver, "/mine", ["EVENT_CREATED"]), org.adminKey)).webhookGroup;
    const other = (await createFullGroup(app, receiverGroupInput(receiver, "/other", ["EVENT_CREATED"]), org.adminKey)).webhookGroup;
    const limited = (await createApiKey(app, "ADMIN", org.adminKey, { groupIds: [mine.id] })).apiKey;
    const sandbox = (await createApiKey(app, "ADMIN", org.adminKey, { mode: "SANDBOX" })).apiKey;
    const otherInitialization = (await app.graphql(initializeMutation, { groupId: other.id }, { key: org.adminKey })).data!.initializeWebhookGroup.id;

    for (const key of [limited, sandbox]) {
      const unknownId = randomUUID();
      const refused = await app.graphql(initializeMutation, { groupId: other.id }, { key });
      const unknown = await app.graphql(initializeMutation, { groupId: unknownId }, { key });
      expect(JSON.stringify(refused.errors).replaceAll(other.id, "ID")).toBe(JSON.stringify(unknown.errors).replaceAll(unknownId, "ID"));
      expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect((await app.graphql(readQuery, { id: otherInitialization }, { key })).data).toEqual({ initialization: null });
    }
    const own = await app.graphql(initializeMutation, { groupId: mine.id }, { key: limited });
    expect(own.data?.initializeWebhookGroup.queued).toBe(1);
    const read = await app.graphql(readQuery, { id: own.data!.initializeWebhookGroup.id }, { key: limited });
    expect(read.data?.initialization.queued).toBe(1);
  });
});
