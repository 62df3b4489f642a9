import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHeaders } from "../src/delivery/sign/standard-webhooks.js";
import { generateSigningKeyPair } from "../src/secrets/signing-key-pair.js";
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

// The Standard Webhooks specification's published example, and RFC 8032's TEST 1 key pair for v1a
// (the v1a signature made by `openssl pkeyutl -sign -rawin`, independently of Node).
const example = {
  headers: { "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330" },
  body: '{"test": 2432232314}',
  now: new Date(1_614_265_330_000),
};
const rfcPublicKey = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const v1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const v1a = "v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==";

describe("verifyWebhook on the Standard Webhooks example", () => {
  it("verifies the published v1 signature with the published whsec_ secret", () => {
    const headers = { ...example.headers, "webhook-signature": v1 };
    const result = verifyWebhook({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers, body: example.body, now: example.now });
    expect(result).toEqual({ id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: example.now });
  });

  it("verifies a v1a signature with only the whpk_ public key", () => {
    const headers = { ...example.headers, "webhook-signature": v1a };
    expect(verifyWebhook({ secret: rfcPublicKey, headers, body: example.body, now: example.now }).id).toBe("msg_p5jXN8AQM9LWM0D4loKWxJek");
  });

  it("with a public key, checks only v1a entries; with a secret, only v1 entries", () => {
    const mixed = { ...example.headers, "webhook-signature": `${v1} ${v1a}` };
    expect(verifyWebhook({ secret: rfcPublicKey, headers: mixed, body: example.body, now: example.now }).id).toBeTruthy();
    const onlyV1 = { ...example.headers, "webhook-signature": v1 };
    expect(reasonOf(() => verifyWebhook({ secret: rfcPublicKey, headers: onlyV1, body: example.body, now: example.now }))).toBe("no_matching_signature");
    // The v1a signature's bytes under a v1 label do not pass as HMAC, nor v1's under v1a.
    const relabelled = { ...example.headers, "webhook-signature": v1a.replace("v1a,", "v1,") };
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    expect(reasonOf(() => verifyWebhook({ secret, headers: relabelled, body: example.body, now: example.now }))).toBe("no_matching_signature");
  });

  it("rejects a v1a signature over a changed body, id or timestamp, or checked with another public key", () => {
    const headers = { ...example.headers, "webhook-signature": v1a };
    const at = { now: example.now, secret: rfcPublicKey };
    expect(reasonOf(() => verifyWebhook({ ...at, headers, body: '{"test": 2432232315}' }))).toBe("no_matching_signature");
    expect(reasonOf(() => verifyWebhook({ ...at, headers: { ...headers, "webhook-id": "msg_other" }, body: example.body }))).toBe("no_matching_signature");
    expect(reasonOf(() => verifyWebhook({ ...at, headers: { ...headers, "webhook-timestamp": "1614265331" }, body: example.body }))).toBe("no_matching_signature");
    const other = generateSigningKeyPair().publicKey;
    expect(reasonOf(() => verifyWebhook({ ...at, secret: other, headers, body: example.body }))).toBe("no_matching_signature");
    const truncated = { ...headers, "webhook-signature": v1a.slice(0, 40) };
    expect(reasonOf(() => verifyWebhook({ ...at, headers: truncated, body: example.body }))).toBe("no_matching_signature");
  });

  it("verifies what hookgate's signer produces with a generated key pair, and refuses a whsk_ secret key or a malformed whpk_", () => {
    const pair = generateSigningKeyPair();
    const headers = signatureHeaders({ id: "msg_9", timestamp: now, body, secrets: [pair.secretKey] });
    expect(headers["webhook-signature"]).toMatch(/^v1a,/);
    expect(verifyWebhook({ secret: pair.publicKey, headers, body, now }).id).toBe("msg_9");
    expect(() => verifyWebhook({ secret: pair.secretKey, headers, body, now })).toThrow(/whpk_ public key/);
    expect(() => verifyWebhook({ secret: "whpk_c2hvcnQ=", headers, body, now })).toThrow(TypeError);
    expect(() => verifyWebhook({ secret: "whpk_not*base64", headers, body, now })).toThrow(TypeError);
  });
});
