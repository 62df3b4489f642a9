import { describe, expect, it } from "vitest";
import { readDelivery } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup, createOrder, seedOriginBodies } from "../support/fixtures.js";
import { freePort } from "../support/free-port.js";
import { type PartnerLine, usePartners } from "../support/partner-process.js";
import { useTestApp } from "../support/test-app.js";
import { startTokenEndpoint } from "../support/token-endpoint.js";

// `hookgate partner` as a process of its own, receiving from a real hookgate API and worker, in
// the order the README's walkthrough takes: the group first (it prints the signing secret), then
// the partner with that secret, then a change.
const app = useTestApp({}, { worker: true });
const startPartner = usePartners();
const clientSecret = "partner-secret-for-tests";

/** An organization of the test's own (no other test's group hears its changes) and a group on `port`. */
async function groupOnPort(name: string, port: number, overrides: { clientSecret?: string; tokenEndpoint?: string } = {}) {
  const org = await app.createOrganization(name);
  const base = `http://127.0.0.1:${port}`;
  const { signingSecret, webhookGroup } = await createGroup(
    app,
    {
      name,
      hooks: [
        { type: "EVENT_CREATED", endpoint: `${base}/event_created`, origin: { body: seedOriginBodies.eventDates } },
        { type: "ORDER_CREATED", endpoint: `${base}/order_created` },
      ],
      authentication: {
        endpoint: overrides.tokenEndpoint ?? `${base}/oauth/token`,
        credentials: { clientId: "doo", clientSecret: overrides.clientSecret ?? clientSecret },
      },
    },
    org.adminKey,
  );
  return { key: org.adminKey, signingSecret: signingSecret as string, groupId: webhookGroup.id as string };
}

const isDelivery = (record: PartnerLine) => record.kind === "delivery";

describe("hookgate partner receiving from hookgate", () => {
  it("prints a delivery built by the origin query, with a token it issued and a valid signature, and answers 200", async () => {
    const port = await freePort();
    const group = await groupOnPort("verified", port);
    const partner = await startPartner(["--port", String(port), "--client-secret", clientSecret, "--secret", group.signingSecret]);
    const event = await createEvent(app, { title: "Summer Fest" }, group.key);

    const [line] = await partner.waitFor(isDelivery);
    expect(line).toMatchObject({
      kind: "delivery",
      method: "POST",
      path: "/event_created",
      type: "event_created",
      attempt: 1,
      repeat: false,
      token: "issued",
      signature: "valid",
      status: 200,
      failedOnPurpose: false,
    });
    expect(JSON.parse(line!.body)).toEqual({
      data: { event: { title: "Summer Fest", startDate: "2027-06-01T18:00:00.000Z", endDate: "2027-06-02T02:00:00.000Z" } },
    });
    expect(partner.records().filter((record) => record.kind === "token")).toEqual([
      expect.objectContaining({ kind: "token", clientId: "doo", status: 200 }),
    ]);
    // The webhook-id the partner prints is the delivery's id in hookgate's log: what redeliver takes.
    const delivery = await eventually(() => readDelivery(app, line!.webhookId, group.key), (d) => d?.status === "SUCCEEDED");
    expect(delivery).toMatchObject({ eventId: event.id, type: "EVENT_CREATED", attemptCount: 1 });
  });

  it("prints one readable line per request without --json", async () => {
    const port = await freePort();
    const group = await groupOnPort("readable", port);
    const partner = await startPartner(["--port", String(port), "--client-secret", clientSecret, "--secret", group.signingSecret], {
      json: false,
    });
    const event = await createEvent(app, {}, group.key);
    await createOrder(app, event.id, group.key);

    const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    const [orderLine] = await partner.waitForLines((line) => line.includes("  order_created  attempt"));
    expect(orderLine).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${uuid}  order_created  attempt 1  token issued  signature valid  → 200  \\{"type":"order_created",`),
    );
    // The body's start only, cut with an ellipsis (--json carries it whole).
    expect(orderLine).toMatch(/…$/);
    expect(orderLine!.length).toBeLessThan(300);
    expect(await partner.waitForLines((line) => line.includes("token request"))).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d  token request   client "doo"  → 200 token issued$/),
    ]);
  });

  it("refuses a delivery whose signature does not verify with 400, and prints it invalid", async () => {
    const port = await freePort();
    const group = await groupOnPort("bad signature", port);
    const otherGroupsSecret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const partner = await startPartner(["--port", String(port), "--client-secret", clientSecret, "--secret", otherGroupsSecret]);
    await createEvent(app, {}, group.key);

    const [line] = await partner.waitFor(isDelivery);
    expect(line).toMatchObject({
      token: "issued",
      signature: "invalid",
      signatureProblem: "no v1 signature matches the body and secret",
      status: 400,
    });
    const delivery = await eventually(() => readDelivery(app, line!.webhookId, group.key), (d) => (d?.attempts.length ?? 0) > 0);
    expect(delivery!.attempts[0]).toMatchObject({ responseStatus: 400 });
    expect(JSON.parse(delivery!.attempts[0]!.responseBody!)).toMatchObject({ error: "invalid_signature" });
  });

  it("refuses the token request of a group with the wrong client secret: 401 invalid_client, nothing delivered", async () => {
    const port = await freePort();
    const group = await groupOnPort("wrong credentials", port, { clientSecret: "not-the-partners-secret" });
    const partner = await startPartner(["--port", String(port), "--client-secret", clientSecret]);
    const event = await createEvent(app, {}, group.key);

    const [line] = await partner.waitFor((record) => record.kind === "token");
    expect(line).toMatchObject({ kind: "token", clientId: "doo", status: 401, error: "invalid_client", problem: "wrong client_secret" });
    const attempt = await eventually(
      async () => (await app.graphql(`{ deliveries(filter: { eventId: "${event.id}" }) { edges { node { attempts { error } } } } }`, {}, { key: group.key })).data,
      (data) => data?.deliveries.edges[0]?.node.attempts.length > 0,
    );
    expect(attempt!.deliveries.edges[0].node.attempts[0].error).toMatch(/token endpoint .* 401/);
    expect(partner.records().filter(isDelivery)).toEqual([]);
  });

  it("refuses a Bearer token it did not issue with 401", async () => {
    const port = await freePort();
    const elsewhere = await startTokenEndpoint();
    try {
      const group = await groupOnPort("foreign token", port, { tokenEndpoint: elsewhere.url });
      const partner = await startPartner(["--port", String(port), "--client-secret", clientSecret]);
      await createEvent(app, {}, group.key);

      const [line] = await partner.waitFor(isDelivery);
      expect(line).toMatchObject({ token: "unknown", signature: "unchecked", status: 401 });
    } finally {
      await elsewhere.close();
    }
  });

  it("fails on purpose with --fail-rate: hookgate retries the same webhook-id, marked as a repeat, until one passes", async () => {
    const port = await freePort();
    const group = await groupOnPort("retries", port);
    // With seed 12 the first two draws are below 0.5 and the third above: fail, fail, pass.
    const partner = await startPartner(["--port", String(port), "--client-secret", clientSecret, "--fail-rate", "0.5", "--seed", "12"]);
    await createEvent(app, {}, group.key);

    const lines = await partner.waitFor(isDelivery, 3);
    expect(lines.map(({ attempt, repeat, status, failedOnPurpose }) => ({ attempt, repeat, status, failedOnPurpose }))).toEqual([
      { attempt: 1, repeat: false, status: 500, failedOnPurpose: true },
      { attempt: 2, repeat: true, status: 500, failedOnPurpose: true },
      { attempt: 3, repeat: true, status: 200, failedOnPurpose: false },
    ]);
    expect(new Set(lines.map((line) => line.webhookId)).size).toBe(1);
    const delivery = await eventually(() => readDelivery(app, lines[0]!.webhookId, group.key), (d) => d?.status === "SUCCEEDED");
    expect(delivery!.attempts.map((attempt) => attempt.responseStatus)).toEqual([500, 500, 200]);
  });

  it("--fail-rate 1 fails every attempt; restarted with 0, the partner takes the redelivery with the token it issued before", async () => {
    const port = await freePort();
    const group = await groupOnPort("fail then pass", port);
    const failing = await startPartner(["--port", String(port), "--client-secret", clientSecret, "--fail-rate", "1"]);
    await createEvent(app, {}, group.key);
    const [first] = await failing.waitFor(isDelivery);
    const failed = await eventually(() => readDelivery(app, first!.webhookId, group.key), (d) => d?.status === "FAILED");
    expect(failed!.attempts.every((attempt) => attempt.responseStatus === 500)).toBe(true);
    expect(failing.records().filter(isDelivery).every((record) => record.status === 500 && record.failedOnPurpose)).toBe(true);
    await failing.stop();

    const passing = await startPartner(["--port", String(port), "--client-secret", clientSecret, "--fail-rate", "0"]);
    const redelivered = await app.graphql(`mutation ($id: ID!) { redeliver(deliveryId: $id) { id } }`, { id: first!.webhookId }, { key: group.key });
    expect(redelivered.errors).toBeUndefined();
    const [line] = await passing.waitFor(isDelivery);
    expect(line).toMatchObject({ webhookId: first!.webhookId, token: "issued", status: 200 });
    // hookgate kept its cached token: the restarted partner still recognized it, no new token request.
    expect(passing.records().filter((record) => record.kind === "token")).toEqual([]);
    await eventually(() => readDelivery(app, first!.webhookId, group.key), (d) => d?.status === "SUCCEEDED");
  });
});
