import { beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/index.js";
import { useCleanup } from "../support/cleanup.js";
import { readDelivery, waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { createEvent, createViewerKey, seedOriginBodies } from "../support/fixtures.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { startTokenEndpoint } from "../support/token-endpoint.js";

// An allow-listed GraphQL origin on loopback whose answer the test switches (down at first). The
// allow-list must name its port, known only once it listens: these beforeAlls run before
// useTestApp's (registered after them), which reads `env` then.
const origin = useReceiver();
const originUrl = () => `${origin.url}/graphql`;
const answerFromOrigin = (answer: { status: number; body: string }) =>
  origin.answerAlways({ ...answer, headers: { "content-type": "application/json" } });
const env: Record<string, string> = {};
beforeAll(() => {
  answerFromOrigin({ status: 500, body: "down" });
  env.HOOKGATE_ORIGIN_ALLOWLIST = originUrl();
});
// Test schedule: 100ms,200ms,300ms → 4 attempts, then FAILED.
const app = useTestApp(env, { worker: true });

const closeAfterTest = useCleanup();

const redeliverMutation = `mutation ($id: ID!) { redeliver(deliveryId: $id) { id status test attemptCount finishedAt nextAttemptAt } }`;

async function scenario(name: string, hook: Record<string, unknown> = { origin: { body: seedOriginBodies.eventShort } }) {
  const tokens = await startTokenEndpoint();
  closeAfterTest(tokens.close);
  const authentication = { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret: "redeliver-client-secret" } };
  const s = await isolatedGroup(app, closeAfterTest, name, { type: "EVENT_CREATED", path: "/events", ...hook }, { authentication });
  return { ...s, tokens };
}

async function redeliver(id: string, key: string) {
  const result = await app.graphql(redeliverMutation, { id }, { key });
  expect(result.errors).toBeUndefined();
  return result.data!.redeliver;
}

describe("redeliver", () => {
  it("sends a SUCCEEDED delivery again: same body, same webhook-id, one more attempt", async () => {
    const s = await scenario("redeliver succeeded");
    await createEvent(app, { title: "Again" }, s.key);
    const [first] = await s.receiver.waitFor(1);
    const { id } = verifyWebhook({ secret: s.signingSecret, headers: first!.headers as Record<string, string>, body: first!.body });
    const done = await waitForDelivery(app, id, (d) => d.status === "SUCCEEDED", { key: s.key });
    expect(done.attemptCount).toBe(1);
    expect((await app.graphql(`query ($id: ID!) { delivery(id: $id) { test } }`, { id }, { key: s.key })).data!.delivery.test).toBe(false);

    const answered = await redeliver(id, s.key);
    expect(answered).toMatchObject({ id, status: "RETRYING", test: false, attemptCount: 1, finishedAt: null });
    expect(answered.nextAttemptAt).not.toBeNull();

    const [, second] = await s.receiver.waitFor(2);
    expect(second!.body).toBe(first!.body);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.headers.authorization).toMatch(/^Bearer token-/);
    verifyWebhook({ secret: s.signingSecret, headers: second!.headers as Record<string, string>, body: second!.body });
    const again = await waitForDelivery(app, id, (d) => d.status === "SUCCEEDED" && d.attemptCount === 2, { key: s.key });
    expect(again.attempts.map((attempt) => attempt.number)).toEqual([1, 2]);
    expect(again.payload).toBe(first!.body);
  });

  it("takes a FAILED delivery to SUCCEEDED once the partner is back", async () => {
    const s = await scenario("redeliver failed");
    s.receiver.answerAlways({ status: 500 });
    await createEvent(app, { title: "Flaky" }, s.key);
    const [id] = await waitForDeliveryIds(app, {}, 1, { key: s.key });
    const failed = await waitForDelivery(app, id!, (d) => d.status === "FAILED", { key: s.key });
    expect(failed.attemptCount).toBe(4);

    s.receiver.answerAlways({ status: 200 });
    await redeliver(id!, s.key);
    const succeeded = await waitForDelivery(app, id!, (d) => d.status === "SUCCEEDED", { key: s.key });
    expect(succeeded.attemptCount).toBe(5);
    expect(succeeded.attempts.at(-1)).toMatchObject({ number: 5, responseStatus: 200, error: null });
    const requests = s.receiver.requests;
    expect(requests).toHaveLength(5);
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    expect(new Set(requests.map((request) => request.headers["webhook-id"])).size).toBe(1);
  });

  it("makes one attempt only: failing again ends FAILED with no further retries", async () => {
    const s = await scenario("redeliver fails again");
    s.receiver.answerAlways({ status: 500 });
    await createEvent(app, { title: "Still down" }, s.key);
    const [id] = await waitForDeliveryIds(app, {}, 1, { key: s.key });
    await waitForDelivery(app, id!, (d) => d.status === "FAILED", { key: s.key });

    await redeliver(id!, s.key);
    const failed = await waitForDelivery(app, id!, (d) => d.status === "FAILED" && d.attemptCount === 5, { key: s.key });
    expect(failed.attempts.at(-1)).toMatchObject({ number: 5, responseStatus: 500 });
    // Nothing more: nothing is left to send.
    await waitUntilSettled(app, { groupId: s.groupId });
    expect((await readDelivery(app, id!, s.key))!.attemptCount).toBe(5);
    expect(s.receiver.requests).toHaveLength(5);
  });

  it("builds the payload afresh when it was never built (the origin was down)", async () => {
    answerFromOrigin({ status: 500, body: "down" });
    const s = await scenario("redeliver unbuilt", { origin: { endpoint: originUrl(), body: seedOriginBodies.eventShort } });
    await createEvent(app, { title: "Origin down" }, s.key);
    const [id] = await waitForDeliveryIds(app, {}, 1, { key: s.key });
    const failed = await waitForDelivery(app, id!, (d) => d.status === "FAILED", { key: s.key });
    expect(failed.payload).toBeNull();
    expect(s.receiver.requests).toHaveLength(0);

    const body = JSON.stringify({ data: { event: { title: "Origin back" } } });
    answerFromOrigin({ status: 200, body });
    await redeliver(id!, s.key);
    const succeeded = await waitForDelivery(app, id!, (d) => d.status === "SUCCEEDED", { key: s.key });
    expect(succeeded.payload).toBe(body);
    expect(s.receiver.requests.map((request) => request.body)).toEqual([body]);
    expect(s.receiver.requests[0]!.headers["webhook-id"]).toBe(id);
  });

  it("refuses other organizations' deliveries, unknown ids, deliveries in progress or of deleted groups, and VIEWER keys", async () => {
    const s = await scenario("redeliver refusals", {});
    const other = await app.createOrganization("redeliver other org");
    const viewerKey = await createViewerKey(app, s.key);

    // The partner holds its answer, keeping the first delivery in progress until the test lets it answer.
    let answer = () => {};
    s.receiver.answerNext({ status: 200, until: new Promise<void>((resolve) => (answer = resolve)) });
    await createEvent(app, { title: "Slow" }, s.key);
    const [id] = await waitForDeliveryIds(app, {}, 1, { key: s.key });
    await s.receiver.waitFor(1);

    const refused = async (variables: Record<string, unknown>, key: string) => {
      const result = await app.graphql(redeliverMutation, variables, { key });
      expect(result.data).toBeNull();
      return result.errors![0]!;
    };
    const inProgress = await refused({ id }, s.key);
    expect(inProgress.extensions).toEqual({ code: "BAD_USER_INPUT", field: "deliveryId" });
    expect(inProgress.message).toMatch(/in progress/);
    answer();

    await waitForDelivery(app, id!, (d) => d.status === "SUCCEEDED", { key: s.key });
    const foreign = await refused({ id }, other.adminKey);
    const unknown = await refused({ id: "00000000-0000-4000-8000-000000000000" }, other.adminKey);
    expect(foreign.extensions?.code).toBe("NOT_FOUND");
    expect(foreign.message.replace(id!, "ID")).toBe(unknown.message.replace("00000000-0000-4000-8000-000000000000", "ID"));
    expect((await refused({ id: "not-a-uuid" }, s.key)).extensions?.code).toBe("NOT_FOUND");
    expect((await refused({ id }, viewerKey)).extensions?.code).toBe("FORBIDDEN");

    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: s.groupId }, { key: s.key });
    const ofDeleted = await refused({ id }, s.key);
    expect(ofDeleted.extensions).toEqual({ code: "BAD_USER_INPUT", field: "deliveryId" });
    expect(ofDeleted.message).toMatch(/deleted/);
    // Nothing changed, nothing sent.
    await waitUntilSettled(app, { groupId: s.groupId });
    expect(await readDelivery(app, id!, s.key)).toMatchObject({ status: "SUCCEEDED", attemptCount: 1 });
    expect(s.receiver.requests).toHaveLength(1);
  });
});
