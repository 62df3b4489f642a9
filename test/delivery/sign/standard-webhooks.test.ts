import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHeaders } from "../../../src/delivery/sign/standard-webhooks.js";

const key = Buffer.from("a fixed 32-byte signing key, ok!");
const secret = `whsec_${key.toString("base64")}`;

describe("signatureHeaders", () => {
  it("matches an HMAC-SHA256 of id.timestamp.body computed independently", () => {
    const body = '{"type":"order_created","order_id":"ord_1","note":"café ✓"}';
    const expected = createHmac("sha256", key).update(`msg_1.1700000000.${body}`, "utf8").digest("base64");

    expect(signatureHeaders({ id: "msg_1", timestamp: 1_700_000_000, body, secrets: [secret] })).toEqual({
      "webhook-id": "msg_1",
      "webhook-timestamp": "1700000000",
      "webhook-signature": `v1,${expected}`,
    });
  });

  it("takes a Date as whole unix seconds", () => {
    const fromDate = signatureHeaders({ id: "msg_1", timestamp: new Date(1_700_000_000_999), body: "{}", secrets: [secret] });
    const fromSeconds = signatureHeaders({ id: "msg_1", timestamp: 1_700_000_000, body: "{}", secrets: [secret] });
    expect(fromDate).toEqual(fromSeconds);
  });

  it("signs once per secret, space-separated, during a rotation", () => {
    const other = `whsec_${randomBytes(32).toString("base64")}`;
    const both = signatureHeaders({ id: "msg_1", timestamp: 1_700_000_000, body: "{}", secrets: [secret, other] });
    const first = signatureHeaders({ id: "msg_1", timestamp: 1_700_000_000, body: "{}", secrets: [secret] });
    const second = signatureHeaders({ id: "msg_1", timestamp: 1_700_000_000, body: "{}", secrets: [other] });
    expect(both["webhook-signature"]).toBe(`${first["webhook-signature"]} ${second["webhook-signature"]}`);
  });

  it("refuses to sign without a secret or with a malformed timestamp", () => {
    expect(() => signatureHeaders({ id: "msg_1", timestamp: 1, body: "{}", secrets: [] })).toThrow(/secret/);
    expect(() => signatureHeaders({ id: "msg_1", timestamp: 1.5, body: "{}", secrets: [secret] })).toThrow(/timestamp/);
    expect(() => signatureHeaders({ id: "msg_1", timestamp: new Date(Number.NaN), body: "{}", secrets: [secret] })).toThrow(/timestamp/);
  });
});

// The Standard Webhooks specification's published example.
const example = {
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1_614_265_330,
  body: '{"test": 2432232314}',
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
};
// RFC 8032's TEST 1 key as a whsk_ secret key; the expected signature was made with
// `openssl pkeyutl -sign -rawin` over the example's `id.timestamp.body`, independently of Node.
const rfcSecretKey = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const opensslSignature = "fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==";

describe("signatureHeaders on the Standard Webhooks example", () => {
  it("signs v1 exactly as the specification's example shows", () => {
    const headers = signatureHeaders({ ...example, secrets: [example.secret] });
    expect(headers["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("signs v1a (Ed25519) with a whsk_ secret key, byte for byte as openssl does", () => {
    const headers = signatureHeaders({ ...example, secrets: [rfcSecretKey] });
    expect(headers).toEqual({
      "webhook-id": example.id,
      "webhook-timestamp": "1614265330",
      "webhook-signature": `v1a,${opensslSignature}`,
    });
  });

  it("signs with the old and the new key during an ED25519 rotation", () => {
    const both = signatureHeaders({ ...example, secrets: [rfcSecretKey, rfcSecretKey] });
    expect(both["webhook-signature"]).toBe(`v1a,${opensslSignature} v1a,${opensslSignature}`);
  });
});
