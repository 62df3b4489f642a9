import { createHash, randomBytes } from "node:crypto";

const PREFIX = "hg_";
// hg_ + base64url of 32 bytes (43 characters, no padding).
const SHAPE = /^hg_[A-Za-z0-9_-]{43}$/;
const DISPLAY_CHARS = 10;

/**
 * A new API key. Only `hash` and `prefix` are stored; `key` is shown to its owner once.
 * The `hg_` prefix makes leaked keys recognizable to secret scanners and to people.
 */
export function generateApiKey(): { key: string; hash: Buffer; prefix: string } {
  const key = PREFIX + randomBytes(32).toString("base64url");
  return { key, hash: hashApiKey(key), prefix: key.slice(0, DISPLAY_CHARS) };
}

/**
 * SHA-256, deliberately fast. Slow hashes (bcrypt, argon2) protect low-entropy passwords from
 * guessing; a key with 256 random bits cannot be guessed however fast the hash is. A fast,
 * deterministic hash also lets each request find its key with one indexed lookup on the hash.
 */
export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** Shape check only: lets the API refuse garbage without a database round trip. */
export function looksLikeApiKey(value: string): boolean {
  return SHAPE.test(value);
}
