import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SecretBox, loadSecretBox } from "../../src/secrets/secret-box.js";

const PURPOSE = "webhook_group.signing_secret";
const newKey = () => randomBytes(32).toString("base64");

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the action to throw");
}

describe("SecretBox", () => {
  const box = SecretBox.fromKey(newKey());

  it("decrypts what it encrypted, including empty and non-ASCII text", () => {
    for (const text of ["whsec_abc", "", "clé secrète ✓"]) {
      expect(box.decrypt(box.encrypt(text, PURPOSE), PURPOSE)).toBe(text);
    }
  });

  it("writes the versioned v1.<iv>.<ciphertext>.<tag> form without the plaintext", () => {
    const stored = box.encrypt("client-secret-123", PURPOSE);
    expect(stored).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(stored).not.toContain("client-secret-123");
  });

  it("gives a different ciphertext each time for the same text (fresh IV)", () => {
    expect(box.encrypt("same", PURPOSE)).not.toBe(box.encrypt("same", PURPOSE));
  });

  it("refuses a value copied from another column (purpose is authenticated)", () => {
    const stored = box.encrypt("client-secret-123", "webhook_group.auth_client_secret");
    const error = errorOf(() => box.decrypt(stored, PURPOSE));
    expect(error.message).toMatch(/cannot decrypt webhook_group\.signing_secret/);
  });

  it("refuses a tampered ciphertext, IV or tag, and the error carries no stored material", () => {
    const stored = box.encrypt("client-secret-123", PURPOSE);
    const parts = stored.split(".");
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[0]! ^= 0x01;
      const tampered = parts.map((part, i) => (i === index ? bytes.toString("base64url") : part)).join(".");
      const error = errorOf(() => box.decrypt(tampered, PURPOSE));
      expect(error.message).toMatch(/cannot decrypt/);
      for (const part of parts.slice(1)) expect(error.message).not.toContain(part);
    }
  });

  it("refuses a truncated tag, an unknown version and malformed values", () => {
    const [, iv, ciphertext, tag] = box.encrypt("x", PURPOSE).split(".");
    const shortTag = Buffer.from(tag!, "base64url").subarray(0, 12).toString("base64url");
    for (const bad of [`v1.${iv}.${ciphertext}.${shortTag}`, `v2.${iv}.${ciphertext}.${tag}`, "v1.abc", "", "plaintext"]) {
      expect(() => box.decrypt(bad, PURPOSE)).toThrow(/cannot decrypt/);
    }
  });

  it("does not decrypt with another key", () => {
    const stored = box.encrypt("client-secret-123", PURPOSE);
    expect(() => SecretBox.fromKey(newKey()).decrypt(stored, PURPOSE)).toThrow(/cannot decrypt/);
  });

  it("refuses an empty purpose, which would bind nothing", () => {
    expect(() => box.encrypt("x", "")).toThrow(/purpose/);
  });

  it.each([
    ["too short", randomBytes(16).toString("base64")],
    ["too long", randomBytes(33).toString("base64")],
    ["not base64", "!".repeat(44)],
    ["base64 with a stray character", `${newKey().slice(0, 20)}*${newKey().slice(20)}`],
    ["empty", ""],
  ])("refuses a key that is %s, naming HOOKGATE_SECRET_KEY and not echoing the key", (_, key) => {
    const error = errorOf(() => SecretBox.fromKey(key));
    expect(error.message).toContain("HOOKGATE_SECRET_KEY");
    expect(error.message).toContain("32 bytes");
    if (key !== "") expect(error.message).not.toContain(key);
  });

  it("accepts a key with surrounding whitespace (as pasted or read from a file)", () => {
    const key = newKey();
    const stored = SecretBox.fromKey(key).encrypt("x", PURPOSE);
    expect(SecretBox.fromKey(`  ${key}\n`).decrypt(stored, PURPOSE)).toBe("x");
  });

  it("shows no key material when inspected or serialized", async () => {
    const key = newKey();
    const shown = SecretBox.fromKey(key);
    const { inspect } = await import("node:util");
    expect(inspect(shown, { showHidden: true, depth: 5 })).not.toContain(key);
    expect(JSON.stringify(shown)).not.toContain(key);
  });
});

describe("loadSecretBox", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), "hookgate-secrets-")), "data", "nested");
  });
  afterEach(async () => {
    await rm(path.dirname(path.dirname(dataDir)), { recursive: true, force: true });
  });

  it("generates <dataDir>/secret.key once (mode 0600) and reuses it", async () => {
    const first = await loadSecretBox({ secretKey: undefined, dataDir });
    const file = path.join(dataDir, "secret.key");
    const written = await readFile(file, "utf8");
    expect(written.trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const stored = first.encrypt("client-secret-123", PURPOSE);
    const second = await loadSecretBox({ secretKey: undefined, dataDir });
    expect(await readFile(file, "utf8")).toBe(written);
    expect(second.decrypt(stored, PURPOSE)).toBe("client-secret-123");
  });

  it("gives every process the same key when several start together", async () => {
    const boxes = await Promise.all(Array.from({ length: 8 }, () => loadSecretBox({ secretKey: undefined, dataDir })));
    const stored = boxes[0]!.encrypt("shared", PURPOSE);
    for (const box of boxes) expect(box.decrypt(stored, PURPOSE)).toBe("shared");
  });

  it("waits for a key file another process has created but not yet written", async () => {
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, "secret.key");
    await writeFile(file, "", { mode: 0o600 });
    const key = newKey();
    const late = setTimeout(() => void writeFile(file, `${key}\n`), 120);
    try {
      const box = await loadSecretBox({ secretKey: undefined, dataDir });
      expect(SecretBox.fromKey(key).decrypt(box.encrypt("x", PURPOSE), PURPOSE)).toBe("x");
    } finally {
      clearTimeout(late);
    }
  });

  it("uses the configured key and writes no file", async () => {
    const key = newKey();
    const box = await loadSecretBox({ secretKey: key, dataDir });
    expect(SecretBox.fromKey(key).decrypt(box.encrypt("x", PURPOSE), PURPOSE)).toBe("x");
    await expect(stat(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses a broken key file instead of replacing it, naming the file", async () => {
    await loadSecretBox({ secretKey: undefined, dataDir });
    const file = path.join(dataDir, "secret.key");
    await writeFile(file, "not-a-key\n");
    await expect(loadSecretBox({ secretKey: undefined, dataDir })).rejects.toThrow(/secret\.key does not hold a valid key.*HOOKGATE_SECRET_KEY/);
    expect(await readFile(file, "utf8")).toBe("not-a-key\n");
  });
});
