import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSigningSecret, signingKeyBytes } from "../../src/secrets/signing-secret.js";

describe("signing secrets", () => {
  it("are whsec_ + padded standard base64 of 32 bytes, and decode back to those bytes", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const key = signingKeyBytes(secret);
    expect(key).toHaveLength(32);
    expect(`whsec_${key.toString("base64")}`).toBe(secret);
  });

  it("are unique", () => {
    expect(generateSigningSecret()).not.toBe(generateSigningSecret());
  });

  it("decode a secret made elsewhere", () => {
    const bytes = randomBytes(24);
    expect(signingKeyBytes(`whsec_${bytes.toString("base64")}`)).toEqual(bytes);
  });

  it("refuse a secret without the whsec_ prefix or with bad base64, without echoing it", () => {
    const encoded = randomBytes(32).toString("base64");
    for (const bad of [encoded, `whsec_`, `whsec_${encoded}*`, `whsec_${encoded.slice(0, -2)}`]) {
      expect(() => signingKeyBytes(bad)).toThrow(/whsec_/);
      try {
        signingKeyBytes(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain(encoded.slice(0, 20));
      }
    }
  });
});
