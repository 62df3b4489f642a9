import { createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSigningKeyPair, signingPrivateKey } from "../../src/secrets/signing-key-pair.js";

// RFC 8032, section 7.1, TEST 1: a published Ed25519 key pair.
const rfcSecretKey = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const rfcPublicKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

describe("signing key pairs (ED25519 groups)", () => {
  it("are whsk_ and whpk_ + base64 of 32 bytes each, the public key the secret key's own", () => {
    const pair = generateSigningKeyPair();
    expect(pair.secretKey).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(pair.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const derived = createPublicKey(signingPrivateKey(pair.secretKey)).export({ format: "jwk" }).x ?? "";
    expect(`whpk_${Buffer.from(derived, "base64url").toString("base64")}`).toBe(pair.publicKey);
    expect(generateSigningKeyPair().secretKey).not.toBe(pair.secretKey);
  });

  it("load the RFC 8032 test key as the private key whose public key the RFC gives", () => {
    const key = signingPrivateKey(rfcSecretKey);
    const x = createPublicKey(key).export({ format: "jwk" }).x ?? "";
    expect(Buffer.from(x, "base64url").toString("hex")).toBe(rfcPublicKeyHex);
    const signature = sign(null, Buffer.from("m"), key);
    expect(verify(null, Buffer.from("m"), createPublicKey(key), signature)).toBe(true);
  });

  it("refuse a key without the whsk_ prefix or not 32 bytes of base64, without echoing it", () => {
    const encoded = rfcSecretKey.slice(5);
    for (const bad of [encoded, "whsk_", `whsk_${encoded}*`, `whsk_${encoded.slice(0, -4)}`, `whsec_${encoded}`]) {
      expect(() => signingPrivateKey(bad)).toThrow(/whsk_/);
      try {
        signingPrivateKey(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain(encoded.slice(0, 20));
      }
    }
  });
});
