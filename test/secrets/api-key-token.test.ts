import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, looksLikeApiKey } from "../../src/secrets/api-key-token.js";

describe("API keys", () => {
  it("are hg_ + base64url of 32 bytes, with the first 10 characters as display prefix", () => {
    const { key, prefix } = generateApiKey();
    expect(key).toMatch(/^hg_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), "base64url")).toHaveLength(32);
    expect(prefix).toBe(key.slice(0, 10));
    expect(prefix).toMatch(/^hg_/);
  });

  it("are unique", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
  });

  it("hash to SHA-256 of the key, the same every time", () => {
    const { key, hash } = generateApiKey();
    expect(hash).toEqual(createHash("sha256").update(key).digest());
    expect(hashApiKey(key)).toEqual(hash);
    expect(hashApiKey(`${key}x`)).not.toEqual(hash);
  });

  it("are recognized by shape, and garbage is not", () => {
    const { key } = generateApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    for (const bad of ["", "hg_", key.slice(0, -1), `${key}A`, `HG_${key.slice(3)}`, `hg_${"+".repeat(43)}`, ` ${key}`, `${key}\n`]) {
      expect(looksLikeApiKey(bad)).toBe(false);
    }
  });
});
