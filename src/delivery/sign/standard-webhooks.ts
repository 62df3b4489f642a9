import { createHmac, sign } from "node:crypto";
import { isSigningSecretKey, signingPrivateKey } from "../../secrets/signing-key-pair.js";
import { signingKeyBytes } from "../../secrets/signing-secret.js";

export interface SignatureInput {
  /** The delivery's `webhook-id`; the same on every retry so partners can deduplicate. */
  readonly id: string;
  /** When this attempt is sent: a Date or unix seconds. */
  readonly timestamp: Date | number;
  /** The exact body sent; one changed byte must break the signature. */
  readonly body: string;
  /**
   * `whsec_` secrets (HMAC-SHA256, `v1`) or `whsk_` secret keys (Ed25519, `v1a`): the prefix says
   * which, as Standard Webhooks intends. Two while a rotation window is open, so either verifies.
   */
  readonly secrets: readonly string[];
}

/** Standard Webhooks headers: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export function signatureHeaders({ id, timestamp, body, secrets }: SignatureInput): Record<string, string> {
  if (secrets.length === 0) throw new Error("at least one signing secret is required");
  const seconds = unixSeconds(timestamp);
  const content = Buffer.from(`${id}.${seconds}.${body}`, "utf8");
  const signatures = secrets.map((secret) =>
    isSigningSecretKey(secret)
      ? `v1a,${sign(null, content, signingPrivateKey(secret)).toString("base64")}`
      : `v1,${createHmac("sha256", signingKeyBytes(secret)).update(content).digest("base64")}`,
  );
  return {
    "webhook-id": id,
    "webhook-timestamp": String(seconds),
    "webhook-signature": signatures.join(" "),
  };
}

function unixSeconds(timestamp: Date | number): number {
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError("timestamp must be a valid Date or whole unix seconds");
  return seconds;
}
