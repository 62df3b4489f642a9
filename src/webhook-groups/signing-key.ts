import { generateSigningKeyPair } from "../secrets/signing-key-pair.js";
import { generateSigningSecret } from "../secrets/signing-secret.js";
import type { SignatureScheme } from "../store/tables.js";

/** A group's new signing material, for its creation or a rotation. */
export interface NewSigningKey {
  /** What signs, stored encrypted: a `whsec_` secret or a `whsk_` secret key. */
  readonly secret: string;
  /** ED25519: the `whpk_` public key; null for HMAC_SHA256. */
  readonly publicKey: string | null;
  /**
   * What the caller is answered, once: what a partner verifies with. HMAC_SHA256: the shared
   * `whsec_` secret. ED25519: the public key; the `whsk_` secret key never leaves hookgate.
   */
  readonly shown: string;
}

export function newSigningKey(scheme: SignatureScheme): NewSigningKey {
  if (scheme === "ED25519") {
    const pair = generateSigningKeyPair();
    return { secret: pair.secretKey, publicKey: pair.publicKey, shown: pair.publicKey };
  }
  const secret = generateSigningSecret();
  return { secret, publicKey: null, shown: secret };
}
