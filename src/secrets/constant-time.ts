import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares secrets (the operator token) without leaking, through timing, how much of a guess
 * was right. timingSafeEqual needs equal lengths, and checking the length first would leak it;
 * hashing both sides first gives two 32-byte values whatever the inputs.
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
