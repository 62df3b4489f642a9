import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook, WebhookVerificationError } from "../../src/index.js";
import { createEvent, createOrder } from "../support/fixtures.js";
import { startReceiver, type Receiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import {
  createFullGroup,
  expectError,
  groupsSnapshot,
  plainHeaders,
  readGroup,
  receiverGroupInput,
  responsesContaining,
  waitForPath,
} from "../support/group-helpers.js";

const app = useTestApp({}, { worker: true });
let receiver: Receiver;
let eventId = "";

// Aliased to `signingSecret`, so the file's end-of-suite secret check tracks the rotated secret
// too: it must appear in exactly the one response that answered it.
const rotateMutation = `mutation ($id: ID!) { signingSecret: rotateSigningSecret(groupId: $id) }`;

beforeAll(async () => {
  receiver = await startReceiver();
  eventId = (await createEvent(app, { title: "Rotation fest" })).id;
});
afterAll(async () => {
  await receiver.close();
});

function signaturesOf(headers: Record<string, unknown>): string[] {
  return String(headers["webhook-signature"]).split(" ");
}

function verifies(secret: string, request: { headers: Record<string, string | string[] | undefined>; body: string }): boolean {
  try {
    verifyWebhook({ secret, headers: plainHeaders(request.headers), body: request.body });
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError && error.reason === "no_matching_signature") return false;
    throw error;
  }
}

describe("rotateSigningSecret", () => {
  let groupId = "";
  let oldSecret = "";
  let newSecret = "";

  beforeAll(async () => {
    const created = await createFullGroup(app, receiverGroupInput(receiver, "/rotated"));
    groupId = created.webhookGroup.id;
    oldSecret = created.signingSecret;
  });

  it("before a rotation a delivery carries one signature and no rotation window is shown", async () => {
    expect((await readGroup(app, groupId))!.previousSigningSecretExpiresAt).toBeNull();
    await createOrder(app, eventId);
    const [request] = await waitForPath(receiver, "/rotated", 1);
    expect(signaturesOf(request!.headers)).toHaveLength(1);
    expect(verifies(oldSecret, request!)).toBe(true);
  });

  it("answers a new whsec_ secret; the old one keeps signing for about 24 hours", async () => {
    const rotatedAt = Date.now();
    const result = await app.graphql(rotateMutation, { id: groupId });
    expect(result.errors).toBeUndefined();
    newSecret = result.data!.signingSecret as string;
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(newSecret).not.toBe(oldSecret);

    const group = (await readGroup(app, groupId))!;
    expect(group.previousSigningSecretExpiresAt).toEqual(expect.any(String));
    const expiresAt = Date.parse(group.previousSigningSecretExpiresAt!);
    expect(Math.abs(expiresAt - (rotatedAt + 24 * 3_600_000))).toBeLessThan(60_000);
    // Rotation is state: the group is otherwise as it was.
    expect(group.id).toBe(groupId);
    expect(group.enabled).toBe(true);
  });

  it("the next delivery carries two v1 signatures; it verifies with the old and with the new secret", async () => {
    const order = await createOrder(app, eventId);
    const request = (await waitForPath(receiver, "/rotated", 2))[1]!;
    expect(JSON.parse(request.body)).toMatchObject({ order_id: order.id });
    const signatures = signaturesOf(request.headers);
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(signatures[0]).not.toBe(signatures[1]);
    expect(verifies(oldSecret, request)).toBe(true);
    expect(verifies(newSecret, request)).toBe(true);
    // A secret that was never the group's does not verify.
    expect(verifies(`whsec_${Buffer.alloc(24, 7).toString("base64")}`, request)).toBe(false);
  });

  it("another organization's group id is NOT_FOUND and changes nothing", async () => {
    const other = await app.createOrganization("Rotation outsider");
    const before = await groupsSnapshot(app);
    const result = await app.graphql(rotateMutation, { id: groupId }, { key: other.adminKey });
    expectError(result, "NOT_FOUND");
    expect(result.data ?? null).toBeNull();
    expect(await groupsSnapshot(app)).toBe(before);

    expectError(await app.graphql(rotateMutation, { id: "not-a-uuid" }), "NOT_FOUND");
    expectError(await app.graphql(rotateMutation, { id: "00000000-0000-4000-8000-000000000000" }), "NOT_FOUND");
    expect(await groupsSnapshot(app)).toBe(before);
  });

  it("a VIEWER key is FORBIDDEN and changes nothing", async () => {
    const issued = await app.graphql(`mutation { createApiKey(role: VIEWER) { apiKey } }`);
    const before = await groupsSnapshot(app);
    expectError(await app.graphql(rotateMutation, { id: groupId }, { key: issued.data!.createApiKey.apiKey }), "FORBIDDEN");
    expect(await groupsSnapshot(app)).toBe(before);
  });

  it("the new secret is in exactly one response", () => {
    expect(responsesContaining(app, newSecret)).toHaveLength(1);
    expect(responsesContaining(app, oldSecret)).toHaveLength(1);
  });

  it("once the previous secret has expired, deliveries carry one signature, valid with the new secret only", async () => {
    await sql`update webhook_groups set previous_signing_secret_expires_at = now() - interval '1 minute'
              where id = ${groupId}`.execute(app.db);
    expect((await readGroup(app, groupId))!.previousSigningSecretExpiresAt).toBeNull();

    await createOrder(app, eventId);
    const request = (await waitForPath(receiver, "/rotated", 3))[2]!;
    expect(signaturesOf(request.headers)).toHaveLength(1);
    expect(verifies(newSecret, request)).toBe(true);
    expect(verifies(oldSecret, request)).toBe(false);
  });

  it("rotating again: the secret being replaced is the previous one, the first one is gone", async () => {
    const result = await app.graphql(rotateMutation, { id: groupId });
    const third = result.data!.signingSecret as string;
    expect(third).not.toBe(newSecret);
    expect(third).not.toBe(oldSecret);
    await createOrder(app, eventId);
    const request = (await waitForPath(receiver, "/rotated", 4))[3]!;
    expect(signaturesOf(request.headers)).toHaveLength(2);
    expect(verifies(third, request)).toBe(true);
    expect(verifies(newSecret, request)).toBe(true);
    expect(verifies(oldSecret, request)).toBe(false);
  });
});
