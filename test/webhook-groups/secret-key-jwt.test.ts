import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { isFinished, waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createEvent, createOrder } from "../support/fixtures.js";
import {
  createFullGroup,
  createMutation,
  databaseText,
  groupsSnapshot,
  readGroup,
  receiverGroupInput,
  responsesContaining,
  waitForPath,
} from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

// Dozuki's secret key: each request carries an HS256 JWT in x-webhook-secret. Verified here with
// node:crypto alone, as a partner would, not with hookgate's own code.

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
const secretKey = "dozuki-secret-42";

/** Verifies an HS256 JWT and answers its header and claims; throws when the signature is wrong. */
function verifyHs256(token: string, secret: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const parts = token.split(".");
  expect(parts, "a JWT has three dot-separated parts").toHaveLength(3);
  const [header, payload, signature] = parts as [string, string, string];
  for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`, "utf8").digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error("JWT signature does not match");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>,
  };
}

describe("secretKey: a JWT in x-webhook-secret", () => {
  it("each request carries an HS256 JWT tied to its webhook-id and exact body", async () => {
    const created = await createFullGroup(
      app,
      receiverGroupInput(receiver, "/dozuki", ["EVENT_CREATED", "ORDER_CREATED"], { secretKey }),
    );
    const groupId = created.webhookGroup.id;
    expect(created.webhookGroup.hasSecretKey).toBe(true);
    expect((await readGroup(app, groupId))!.hasSecretKey).toBe(true);

    const event = await createEvent(app, { title: "JWT fest" });
    await createOrder(app, event.id);
    const requests = await waitForPath(receiver, "/dozuki", 2);
    for (const request of requests) {
      const token = request.headers["x-webhook-secret"];
      expect(token).toEqual(expect.any(String));
      const { header, claims } = verifyHs256(token as string, secretKey);
      expect(header).toEqual({ alg: "HS256", typ: "JWT" });
      expect(claims.jti).toBe(request.headers["webhook-id"]);
      expect(claims.body_sha256).toBe(createHash("sha256").update(request.body, "utf8").digest("hex"));
      expect(typeof claims.iat).toBe("number");
      expect(typeof claims.exp).toBe("number");
      expect((claims.exp as number) - (claims.iat as number)).toBe(300);
      expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(60);
      // The wrong secret does not verify.
      expect(() => verifyHs256(token as string, "dozuki-secret-43")).toThrow(/does not match/);
    }
    // Each request's JWT is its own.
    expect(requests[0]!.headers["x-webhook-secret"]).not.toBe(requests[1]!.headers["x-webhook-secret"]);
  });

  it("the attempt log shows x-webhook-secret as [redacted]", async () => {
    const { webhookGroup } = await createFullGroup(app, receiverGroupInput(receiver, "/dozuki-log", ["EVENT_CREATED", "ORDER_CREATED"], { secretKey }));
    const event = await createEvent(app, { title: "JWT log fest" });
    await createOrder(app, event.id);
    const ids = await waitForDeliveryIds(app, { groupId: webhookGroup.id }, 2);
    for (const id of ids) {
      const delivery = await waitForDelivery(app, id, isFinished);
      expect(delivery.status).toBe("SUCCEEDED");
      expect(delivery.attempts[0]!.requestHeaders["x-webhook-secret"]).toBe("[redacted]");
    }
  });

  it("a group without secretKey sends no x-webhook-secret and shows hasSecretKey false", async () => {
    const created = await createFullGroup(app, receiverGroupInput(receiver, "/plain", ["EVENT_CREATED"]));
    expect(created.webhookGroup.hasSecretKey).toBe(false);
    await createEvent(app, { title: "No JWT fest" });
    const [request] = await waitForPath(receiver, "/plain", 1);
    expect(request!.headers["x-webhook-secret"]).toBeUndefined();
  });

  it("the secret key is not in plain text in the database", async () => {
    const { webhookGroup } = await createFullGroup(app, receiverGroupInput(receiver, "/dozuki-stored", ["ORDER_REMOVED"], { secretKey }));
    expect(await databaseText(app)).not.toContain(secretKey);
    const { rows } = await sql<{ jwt_secret_encrypted: string | null }>`
      select jwt_secret_encrypted from webhook_groups where id = ${webhookGroup.id}`.execute(app.db);
    expect(rows[0]!.jwt_secret_encrypted).toEqual(expect.any(String));
  });

  it.each([
    ["7 characters", "1234567"],
    ["7 characters, some of them astral", "🔑🔑🔑🔑abc"],
  ])("a secretKey of %s is BAD_USER_INPUT on input.secretKey and writes nothing", async (_what, short) => {
    const before = await groupsSnapshot(app);
    const result = await app.graphql(createMutation, { input: receiverGroupInput(receiver, "/short", ["ORDER_CREATED"], { secretKey: short }) });
    expectError(result, "BAD_USER_INPUT", "input.secretKey");
    expect(await groupsSnapshot(app)).toBe(before);
  });

  it("a secretKey of exactly 8 characters is accepted", async () => {
    const created = await createFullGroup(app, receiverGroupInput(receiver, "/eight", ["ORDER_CREATED"], { secretKey: "12345678" }));
    expect(created.webhookGroup.hasSecretKey).toBe(true);
  });

  it("the secret key appears in no response", async () => {
    // Every way a group comes back: created, read, listed.
    const { webhookGroup } = await createFullGroup(app, receiverGroupInput(receiver, "/dozuki-shown", ["ORDER_REMOVED"], { secretKey }));
    expect(await readGroup(app, webhookGroup.id)).toMatchObject({ hasSecretKey: true });
    await graphqlData(app, `{ webhookGroups(first: 100) { edges { node { id hasSecretKey } } } }`);
    expect(responsesContaining(app, secretKey)).toEqual([]);
  });
});
