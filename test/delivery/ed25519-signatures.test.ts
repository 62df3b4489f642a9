import { describe, expect, it } from "vitest";
import { verifyWebhook, WebhookVerificationError } from "../../src/index.js";
import { waitForDelivery } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup } from "../support/fixtures.js";
import { type ReceivedRequest, useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// Standard Webhooks' asymmetric scheme: hookgate signs with a whsk_ secret key it never shows; the
// partner verifies with the whpk_ public key alone.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

const groupQuery = `query ($id: ID!) { webhookGroup(id: $id) { id signature signingPublicKey previousSigningSecretExpiresAt } }`;
const rotate = `mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`;

/** The partner: it holds only public keys, and answers 204 to what one of them verifies, 401 otherwise. */
function partnerTrusting(publicKeys: () => string[]) {
  return (request: ReceivedRequest) => {
    const headers = request.headers as Record<string, string>;
    const verified = publicKeys().some((secret) => {
      try {
        return Boolean(verifyWebhook({ secret, headers, body: request.body }));
      } catch (error) {
        if (error instanceof WebhookVerificationError) return false;
        throw error;
      }
    });
    return { status: verified ? 204 : 401 };
  };
}

async function ed25519Group(path: string) {
  const created = await createGroup(app, {
    name: `ed25519 ${path}`,
    signature: "ED25519",
    hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}${path}` }],
  });
  return { id: created.webhookGroup.id as string, shown: created.signingSecret };
}

// Each test's group is deleted at its end, so later tests' events do not reach it.
const remove = (id: string) => app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id });

const signatureOf = (request: ReceivedRequest) => String(request.headers["webhook-signature"]);

describe("ED25519 groups", () => {
  it("show their public key at creation and later, and a real receiver holding only it accepts the delivery", async () => {
    const group = await ed25519Group("/ed");
    expect(group.shown).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const read = (await app.graphql(groupQuery, { id: group.id })).data!.webhookGroup;
    expect(read).toEqual({ id: group.id, signature: "ED25519", signingPublicKey: group.shown, previousSigningSecretExpiresAt: null });

    receiver.answerAlways(partnerTrusting(() => [group.shown]));
    await createEvent(app, { title: "Signed with Ed25519" });
    const [request] = await receiver.waitFor(1);
    expect(signatureOf(request!)).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    const delivery = await waitForDelivery(app, String(request!.headers["webhook-id"]), (d) => d.finishedAt !== null);
    expect(delivery).toMatchObject({ status: "SUCCEEDED", attemptCount: 1 });
    expect(delivery.attempts[0]).toMatchObject({ responseStatus: 204, error: null });
    // The log shows the signature (it is public) and nothing of the key that made it.
    expect(delivery.attempts[0]!.requestHeaders["webhook-signature"]).toBe(signatureOf(request!));
    expect(JSON.stringify(delivery)).not.toMatch(/whsk_/);
    await remove(group.id);
  });

  it("a receiver trusting another public key refuses the delivery (the check is real)", async () => {
    const group = await ed25519Group("/stranger");
    const stranger = await ed25519Group("/unused");
    receiver.answerAlways(partnerTrusting(() => [stranger.shown]));
    await createEvent(app, { title: "Not for you" });
    const [mine] = await eventually(
      async () => receiver.requests.filter((request) => request.path === "/stranger"),
      (found) => found.length > 0,
      { what: "a request to /stranger" },
    );
    expect(() => verifyWebhook({ secret: stranger.shown, headers: mine!.headers as Record<string, string>, body: mine!.body })).toThrow(/v1a/);
    const id = verifyWebhook({ secret: group.shown, headers: mine!.headers as Record<string, string>, body: mine!.body }).id;
    const delivery = await waitForDelivery(app, id, (d) => d.attempts.length > 0);
    expect(delivery.attempts[0]).toMatchObject({ responseStatus: 401, error: "the endpoint answered HTTP 401" });
    await remove(group.id);
    await remove(stranger.id);
  });

  it("rotateSigningSecret gives a new key pair and answers its public key; for a day both keys sign", async () => {
    const group = await ed25519Group("/rotated");
    const rotated = await app.graphql(rotate, { id: group.id });
    const newKey = rotated.data!.rotateSigningSecret as string;
    expect(newKey).toMatch(/^whpk_/);
    expect(newKey).not.toBe(group.shown);
    const read = (await app.graphql(groupQuery, { id: group.id })).data!.webhookGroup;
    expect(read.signingPublicKey).toBe(newKey);
    expect(read.previousSigningSecretExpiresAt).not.toBeNull();

    // Partners that have not switched yet and partners that have both accept the request.
    receiver.answerAlways(partnerTrusting(() => [group.shown]));
    await createEvent(app, { title: "During the rotation" });
    const [request] = await eventually(
      async () => receiver.requests.filter((candidate) => candidate.path === "/rotated"),
      (found) => found.length > 0,
      { what: "a request to /rotated" },
    );
    const signatures = signatureOf(request!).split(" ");
    expect(signatures.map((entry) => entry.slice(0, 4))).toEqual(["v1a,", "v1a,"]);
    const headers = request!.headers as Record<string, string>;
    expect(verifyWebhook({ secret: newKey, headers, body: request!.body }).id).toBe(headers["webhook-id"]);
    expect(verifyWebhook({ secret: group.shown, headers, body: request!.body }).id).toBe(headers["webhook-id"]);
    const delivery = await waitForDelivery(app, headers["webhook-id"]!, (d) => d.finishedAt !== null);
    expect(delivery.status).toBe("SUCCEEDED");
    await remove(group.id);
  });

  it("HMAC_SHA256 stays the default: a whsec_ secret, no public key, v1 signatures", async () => {
    const created = await createGroup(app, { name: "hmac", hooks: [{ type: "EVENT_REMOVED", endpoint: `${receiver.url}/hmac` }] });
    expect(created.signingSecret).toMatch(/^whsec_/);
    const read = (await app.graphql(groupQuery, { id: created.webhookGroup.id })).data!.webhookGroup;
    expect(read).toMatchObject({ signature: "HMAC_SHA256", signingPublicKey: null });
    expect((await app.graphql(rotate, { id: created.webhookGroup.id })).data!.rotateSigningSecret).toMatch(/^whsec_/);
    expect((await app.graphql(groupQuery, { id: created.webhookGroup.id })).data!.webhookGroup.signingPublicKey).toBeNull();
  });

  it("replaceWebhookGroup makes a new key pair for the new group", async () => {
    const group = await ed25519Group("/replaced");
    const replaced = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) {
        replaceWebhookGroup(id: $id, input: $input) { signingSecret webhookGroup { id signature signingPublicKey } } }`,
      { id: group.id, input: { name: "replaced", signature: "ED25519", hooks: [{ type: "EVENT_REMOVED", endpoint: `${receiver.url}/replaced` }] } },
    );
    const payload = replaced.data!.replaceWebhookGroup;
    expect(payload.signingSecret).toMatch(/^whpk_/);
    expect(payload.signingSecret).not.toBe(group.shown);
    expect(payload.webhookGroup).toMatchObject({ signature: "ED25519", signingPublicKey: payload.signingSecret });
  });
});
