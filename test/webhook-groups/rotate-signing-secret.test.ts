import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { verifyWebhook, WebhookVerificationError } from "../../src/index.js";
import { expectError } from "../support/expect-error.js";
import { createOrder, createViewerKey } from "../support/fixtures.js";
import { createScopedGroup, groupsSnapshot, plainHeaders, readGroup, responsesContaining, waitForPath } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

// Aliased to `signingSecret`, so the file's end-of-suite secret check tracks the rotated secret
// too: it must appear in exactly the one response that answered it.
const rotateMutation = `mutation ($id: ID!) { signingSecret: rotateSigningSecret(groupId: $id) }`;

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

/** A group of its own (one ORDER_CREATED hook, scoped to its own event) posting to `path`. */
async function groupOnPath(path: string) {
  const { group, eventId, signingSecret } = await createScopedGroup(app, receiver, path);
  /** Creates an order and answers the request that delivered it: the `n`th to `path`. */
  const deliverOrder = async (n: number) => {
    const order = await createOrder(app, eventId);
    const request = (await waitForPath(receiver, path, n))[n - 1]!;
    expect(JSON.parse(request.body)).toMatchObject({ order_id: order.id });
    return request;
  };
  return { groupId: group.id, signingSecret, deliverOrder };
}

async function rotate(groupId: string): Promise<string> {
  const result = await app.graphql(rotateMutation, { id: groupId });
  expect(result.errors).toBeUndefined();
  return result.data!.signingSecret as string;
}

describe("rotateSigningSecret", () => {
  it("before a rotation a delivery carries one signature and no rotation window is shown", async () => {
    const group = await groupOnPath("/never-rotated");
    expect((await readGroup(app, group.groupId))!.previousSigningSecretExpiresAt).toBeNull();
    const request = await group.deliverOrder(1);
    expect(signaturesOf(request.headers)).toHaveLength(1);
    expect(verifies(group.signingSecret, request)).toBe(true);
  });

  it("answers a new whsec_ secret; the old one keeps signing for about 24 hours", async () => {
    const group = await groupOnPath("/rotated-once");
    const rotatedAt = Date.now();
    const newSecret = await rotate(group.groupId);
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(newSecret).not.toBe(group.signingSecret);

    const read = (await readGroup(app, group.groupId))!;
    expect(read.previousSigningSecretExpiresAt).toEqual(expect.any(String));
    const expiresAt = Date.parse(read.previousSigningSecretExpiresAt!);
    expect(Math.abs(expiresAt - (rotatedAt + 24 * 3_600_000))).toBeLessThan(60_000);
    // Rotation is state: the group is otherwise as it was.
    expect(read.id).toBe(group.groupId);
    expect(read.enabled).toBe(true);
  });

  it("the next delivery carries two v1 signatures; it verifies with the old and with the new secret", async () => {
    const group = await groupOnPath("/two-signatures");
    const newSecret = await rotate(group.groupId);
    const request = await group.deliverOrder(1);
    const signatures = signaturesOf(request.headers);
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(signatures[0]).not.toBe(signatures[1]);
    expect(verifies(group.signingSecret, request)).toBe(true);
    expect(verifies(newSecret, request)).toBe(true);
    // A secret that was never the group's does not verify.
    expect(verifies(`whsec_${Buffer.alloc(24, 7).toString("base64")}`, request)).toBe(false);
  });

  it("another organization's group id is NOT_FOUND and changes nothing", async () => {
    const { groupId } = await groupOnPath("/outsiders");
    const other = await app.createOrganization("Rotation outsider");
    const before = await groupsSnapshot(app);
    expectError(await app.graphql(rotateMutation, { id: groupId }, { key: other.adminKey }), "NOT_FOUND");
    expect(await groupsSnapshot(app)).toBe(before);

    expectError(await app.graphql(rotateMutation, { id: "not-a-uuid" }), "NOT_FOUND");
    expectError(await app.graphql(rotateMutation, { id: "00000000-0000-4000-8000-000000000000" }), "NOT_FOUND");
    expect(await groupsSnapshot(app)).toBe(before);
  });

  it("a VIEWER key is FORBIDDEN and changes nothing", async () => {
    const { groupId } = await groupOnPath("/viewers");
    const viewerKey = await createViewerKey(app);
    const before = await groupsSnapshot(app);
    expectError(await app.graphql(rotateMutation, { id: groupId }, { key: viewerKey }), "FORBIDDEN");
    expect(await groupsSnapshot(app)).toBe(before);
  });

  it("the new secret is in exactly one response, and the old one still only in its creation's", async () => {
    const group = await groupOnPath("/shown-once");
    const newSecret = await rotate(group.groupId);
    await readGroup(app, group.groupId);
    await app.graphql(`{ webhookGroups(first: 100) { edges { node { id previousSigningSecretExpiresAt } } } }`);
    expect(responsesContaining(app, newSecret)).toHaveLength(1);
    expect(responsesContaining(app, group.signingSecret)).toHaveLength(1);
  });

  it("once the previous secret has expired, deliveries carry one signature, valid with the new secret only", async () => {
    const group = await groupOnPath("/expired");
    const newSecret = await rotate(group.groupId);
    // The 24 hours, passed on the database's clock.
    await sql`update webhook_groups set previous_signing_secret_expires_at = now() - interval '1 minute'
              where id = ${group.groupId}`.execute(app.db);
    expect((await readGroup(app, group.groupId))!.previousSigningSecretExpiresAt).toBeNull();

    const request = await group.deliverOrder(1);
    expect(signaturesOf(request.headers)).toHaveLength(1);
    expect(verifies(newSecret, request)).toBe(true);
    expect(verifies(group.signingSecret, request)).toBe(false);
  });

  it("rotating again: the secret being replaced is the previous one, the first one is gone", async () => {
    const group = await groupOnPath("/rotated-twice");
    const second = await rotate(group.groupId);
    const third = await rotate(group.groupId);
    expect(third).not.toBe(second);
    expect(third).not.toBe(group.signingSecret);
    const request = await group.deliverOrder(1);
    expect(signaturesOf(request.headers)).toHaveLength(2);
    expect(verifies(third, request)).toBe(true);
    expect(verifies(second, request)).toBe(true);
    expect(verifies(group.signingSecret, request)).toBe(false);
  });
});
