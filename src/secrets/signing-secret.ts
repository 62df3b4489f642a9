import { randomBytes } from "node:crypto";

const PREFIX = "whsec_";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. Partners' verification
 * libraries (svix, standardwebhooks) expect exactly this form, so it is kept as is.
 */
export function generateSigningSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

/** The HMAC key: the bytes the base64 after `whsec_` encodes. Messages never echo the secret. */
export function signingKeyBytes(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error("signing secret must start with whsec_");
  const encoded = secret.slice(PREFIX.length);
  // Strict check: Buffer.from(…, "base64") would skip bad characters and sign with a different key.
  if (encoded === "" || !BASE64.test(encoded)) throw new Error("signing secret must be whsec_ followed by base64");
  return Buffer.from(encoded, "base64");
}
