import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";

const SECRET_PREFIX = "whsk_";
const PUBLIC_PREFIX = "whpk_";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// PKCS#8 wrapping of a bare 32-byte Ed25519 seed (RFC 8410), so Node can load it as a key.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** An Ed25519 key pair in Standard Webhooks form; the secret key never leaves hookgate. */
export interface SigningKeyPair {
  /** `whsk_` + base64 of the 32-byte private key (RFC 8032 seed). */
  readonly secretKey: string;
  /** `whpk_` + base64 of the 32-byte public key: what partners verify `v1a` signatures with. */
  readonly publicKey: string;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  if (!jwk.d || !jwk.x) throw new Error("Node did not export the Ed25519 key pair");
  return {
    secretKey: SECRET_PREFIX + Buffer.from(jwk.d, "base64url").toString("base64"),
    publicKey: PUBLIC_PREFIX + Buffer.from(jwk.x, "base64url").toString("base64"),
  };
}

export function isSigningSecretKey(secret: string): boolean {
  return secret.startsWith(SECRET_PREFIX);
}

/** The private key a `whsk_` secret key holds. Messages never echo the key. */
export function signingPrivateKey(secretKey: string): KeyObject {
  if (!isSigningSecretKey(secretKey)) throw new Error("signing secret key must start with whsk_");
  const encoded = secretKey.slice(SECRET_PREFIX.length);
  const seed = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
  if (seed.length !== 32) throw new Error("signing secret key must be whsk_ followed by base64 of 32 bytes");
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
}
