import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { createEvent, createGroup, createViewerKey } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";

// One retry 50 ms after the first attempt: two attempts, then FAILED.
const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "50ms" }, { worker: true });
const receiver = useReceiver();
const tokens = useTokenEndpoint();
let org: { id: string; adminKey: string };
let failing: string;
let gone: string;
let started: Date;

const recover = `mutation ($groupId: ID!, $since: DateTime!, $until: DateTime) {
  recoverDeliveries(groupId: $groupId, since: $since, until: $until)
}`;

beforeAll(async () => {
  org = await app.createOrganization("Recover");
  // Group A's partner is down (500); group B's partner says 410 Gone: B's deliveries are GONE, not FAILED.
  receiver.answerAlways((request) => ({ status: request.path === "/b" ? 410 : 500 }));
  const auth = { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret: "recover-client-secret" } };
  failing = (await createGroup(app, { name: "A", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/a` }], authentication: auth }, org.adminKey))
    .webhookGroup.id;
  gone = (await createGroup(app, { name: "B", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/b` }] }, org.adminKey)).webhookGroup.id;
  started = new Date(Date.now() - 1_000);
});

async function recoverCount(variables: Record<string, unknown>, key = org.adminKey) {
  const result = await app.graphql(recover, variables, { key });
  expect(result.errors).toBeUndefined();
  return result.data!.recoverDeliveries as number;
}

describe("recoverDeliveries", () => {
  it("re-queues a window's FAILED deliveries with the full schedule; all end SUCCEEDED", async () => {
    for (const title of ["one", "two", "three"]) await createEvent(app, { title }, org.adminKey);
    const ids = await waitForDeliveryIds(app, { groupId: failing }, 3, { key: org.adminKey });
    const goneIds = await waitForDeliveryIds(app, { groupId: gone }, 3, { key: org.adminKey });
    for (const id of ids) await waitForDelivery(app, id, (d) => d.status === "FAILED" && d.attemptCount === 2, { key: org.adminKey });
    for (const id of goneIds) await waitForDelivery(app, id, (d) => d.status === "GONE", { key: org.adminKey });

    // Windows that hold none of them, and a window that ends before it starts.
    const hour = 3_600_000;
    expect(await recoverCount({ groupId: failing, since: new Date(started.getTime() - 2 * hour), until: new Date(started.getTime() - hour) })).toBe(0);
    expect(await recoverCount({ groupId: failing, since: new Date(Date.now() + hour), until: new Date(Date.now() + 2 * hour) })).toBe(0);
    const backwards = await app.graphql(recover, { groupId: failing, since: new Date(Date.now() + hour) }, { key: org.adminKey });
    expect(backwards.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "since" });
    // GONE is the partner asking to stop: not recovered.
    expect(await recoverCount({ groupId: gone, since: started })).toBe(0);
    for (const id of ids) expect((await waitForDelivery(app, id, () => true, { key: org.adminKey })).status).toBe("FAILED");

    // The partner is back: the first recovered attempt fails once more, the schedule's retry succeeds.
    receiver.answerNext({ status: 500 });
    receiver.answerAlways((request) => ({ status: request.path === "/b" ? 410 : 200 }));
    expect(await recoverCount({ groupId: failing, since: started })).toBe(3);
    for (const id of ids) {
      const done = await waitForDelivery(app, id, (d) => d.status === "SUCCEEDED", { key: org.adminKey });
      expect(done.attempts.map((attempt) => attempt.number)).toEqual(Array.from({ length: done.attemptCount }, (_, i) => i + 1));
      expect([3, 4]).toContain(done.attemptCount);
    }
    const bodies = new Map<string, Set<string>>();
    for (const request of receiver.requests.filter((r) => r.path === "/a")) {
      const id = request.headers["webhook-id"] as string;
      bodies.set(id, (bodies.get(id) ?? new Set()).add(request.body));
    }
    expect([...bodies.keys()].sort()).toEqual([...ids].sort());
    for (const set of bodies.values()) expect(set.size).toBe(1);
    // Nothing FAILED is left to recover.
    expect(await recoverCount({ groupId: failing, since: started })).toBe(0);
    const { rows } = await sql<{ n: string }>`select count(*) as n from deliveries where webhook_group_id = ${gone} and status = 'GONE'`.execute(app.db);
    expect(rows[0]!.n).toBe("3");
  });

  it("is for the caller's live groups and ADMIN keys only", async () => {
    const other = await app.createOrganization("Recover other");
    const viewerKey = await createViewerKey(app, org.adminKey);
    const deleted = (await createGroup(app, { name: "gone soon", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/c` }] }, org.adminKey))
      .webhookGroup.id;
    await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: deleted }, { key: org.adminKey });
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ["another organization's group", { groupId: failing, since: started }, other.adminKey, "NOT_FOUND"],
      ["an unknown group", { groupId: "00000000-0000-4000-8000-000000000000", since: started }, org.adminKey, "NOT_FOUND"],
      ["a malformed id", { groupId: "x", since: started }, org.adminKey, "NOT_FOUND"],
      ["a deleted group", { groupId: deleted, since: started }, org.adminKey, "NOT_FOUND"],
      ["a VIEWER key", { groupId: failing, since: started }, viewerKey, "FORBIDDEN"],
    ];
    for (const [name, variables, key, code] of cases) {
      const result = await app.graphql(recover, variables, { key });
      expect(result.data, name).toBeNull();
      expect(result.errors?.[0]?.extensions?.code, name).toBe(code);
    }
  });
});
