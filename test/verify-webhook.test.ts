import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHeaders } from "../src/delivery/sign/standard-webhooks.js";
import { WebhookVerificationError, type WebhookVerificationReason, verifyWebhook } from "../src/index.js";

const secret = `whsec_${randomBytes(32).toString("base64")}`;
const now = new Date("2024-05-01T12:00:00Z");
const body = '{"type":"order_created","order_id":"ord_1","note":"café ✓"}';
const signed = signatureHeaders({ id: "msg_1", timestamp: now, body, secrets: [secret] });

function reasonOf(action: () => unknown): WebhookVerificationReason {
  try {
    action();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  throw new Error("expected verification to fail");
}

describe("verifyWebhook", () => {
  it("accepts what the signer produced and returns the id and timestamp", () => {
    expect(verifyWebhook({ secret, headers: signed, body, now })).toEqual({ id: "msg_1", timestamp: now });
  });

  it("accepts the body as the exact bytes received, and a secret without its whsec_ prefix", () => {
    const result = verifyWebhook({ secret: secret.slice(6), headers: signed, body: Buffer.from(body), now });
    expect(result.id).toBe("msg_1");
  });

  it("reads a Headers instance, Node-style lowercase headers and any header case", () => {
    expect(verifyWebhook({ secret, headers: new Headers(signed), body, now }).id).toBe("msg_1");
    const shouted = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyWebhook({ secret, headers: shouted, body, now }).id).toBe("msg_1");
    const node = { ...signed, "webhook-signature": [signed["webhook-signature"] ?? ""], host: "example.test" };
    expect(verifyWebhook({ secret, headers: node, body, now }).id).toBe("msg_1");
  });

  it("matches a signature computed independently with createHmac", () => {
    const key = Buffer.from(secret.slice(6), "base64");
    const seconds = 1_714_564_800;
    const signature = createHmac("sha256", key).update(`msg_2.${seconds}.${body}`).digest("base64");
    const headers = { "webhook-id": "msg_2", "webhook-timestamp": String(seconds), "webhook-signature": `v1,${signature}` };
    expect(verifyWebhook({ secret, headers, body, now }).id).toBe("msg_2");
  });

  it("accepts several signatures when a later v1 one matches, ignoring other versions", () => {
    const other = `whsec_${randomBytes(32).toString("base64")}`;
    const headers = signatureHeaders({ id: "msg_1", timestamp: now, body, secrets: [other, secret] });
    headers["webhook-signature"] = `v1a,Zm9v ${headers["webhook-signature"]}`;
    expect(verifyWebhook({ secret, headers, body, now }).id).toBe("msg_1");
  });

  it("rejects a wrong secret, a tampered body or id, and a non-v1 copy of the right signature", () => {
    const wrong = `whsec_${randomBytes(32).toString("base64")}`;
    expect(reasonOf(() => verifyWebhook({ secret: wrong, headers: signed, body, now }))).toBe("no_matching_signature");
    const tampered = Buffer.from(body);
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    expect(reasonOf(() => verifyWebhook({ secret, headers: signed, body: tampered, now }))).toBe("no_matching_signature");
    expect(reasonOf(() => verifyWebhook({ secret, headers: { ...signed, "webhook-id": "msg_2" }, body, now }))).toBe("no_matching_signature");
    const v2 = { ...signed, "webhook-signature": (signed["webhook-signature"] ?? "").replace("v1,", "v2,") };
    expect(reasonOf(() => verifyWebhook({ secret, headers: v2, body, now }))).toBe("no_matching_signature");
  });

  it("rejects a timestamp outside the tolerance either way, and accepts one at its edge", () => {
    const at = (offsetSeconds: number) => ({ now: new Date(now.getTime() + offsetSeconds * 1000), headers: signed, secret, body });
    expect(reasonOf(() => verifyWebhook(at(301)))).toBe("timestamp_too_old");
    expect(reasonOf(() => verifyWebhook(at(-301)))).toBe("timestamp_too_new");
    expect(verifyWebhook(at(300)).id).toBe("msg_1");
    expect(verifyWebhook(at(-300)).id).toBe("msg_1");
    expect(reasonOf(() => verifyWebhook({ ...at(100), toleranceSeconds: 60 }))).toBe("timestamp_too_old");
  });

  it("rejects a timestamp that is not whole unix seconds", () => {
    for (const bad of ["soon", "1714564800.5", "-1", "1e9"]) {
      const headers = { ...signed, "webhook-timestamp": bad };
      expect(reasonOf(() => verifyWebhook({ secret, headers, body, now }))).toBe("invalid_timestamp");
    }
  });

  it("rejects missing headers and names them", () => {
    const { "webhook-signature": _signature, "webhook-id": _id, ...rest } = signed;
    expect(() => verifyWebhook({ secret, headers: rest, body, now })).toThrow(/webhook-id, webhook-signature/);
    expect(reasonOf(() => verifyWebhook({ secret, headers: {}, body, now }))).toBe("missing_headers");
    expect(reasonOf(() => verifyWebhook({ secret, headers: { ...signed, "webhook-signature": " " }, body, now }))).toBe("missing_headers");
  });

  it("refuses a secret that is not base64 rather than verifying with a different key", () => {
    expect(() => verifyWebhook({ secret: "whsec_not*base64", headers: signed, body, now })).toThrow(TypeError);
  });
});
