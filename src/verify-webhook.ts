/**
 * Verifies a Standard Webhooks delivery from hookgate. Self-contained on purpose (Node's crypto
 * only): partners may copy this file into their own code base.
 */
import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from "node:crypto";

export type WebhookVerificationReason =
  | "missing_headers"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "no_matching_signature";

/** The delivery is not authentic or not fresh: answer 4xx and do not process it. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}

/** A `Headers` instance, Node's `IncomingHttpHeaders`, or a plain object in any header case. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookInput {
  /**
   * The group's signing secret (`whsec_…`, or its base64 without the prefix): `v1` (HMAC-SHA256)
   * signatures are checked. Or the group's public key (`whpk_…`, an ED25519 group's
   * `signingPublicKey`): `v1a` (Ed25519) signatures are checked, and no secret is needed.
   */
  readonly secret: string;
  readonly headers: WebhookHeaders;
  /** The raw body exactly as received; a re-serialized JSON object will not verify. */
  readonly body: string | Buffer;
  /** How far `webhook-timestamp` may be from `now`, either way; guards against replays. */
  readonly toleranceSeconds?: number;
  readonly now?: Date;
}

export interface VerifiedWebhook {
  /** Stable across retries: use it to deduplicate. */
  readonly id: string;
  readonly timestamp: Date;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// SubjectPublicKeyInfo wrapping of a bare 32-byte Ed25519 public key (RFC 8410), so Node can load it.
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function verifyWebhook({ secret, headers, body, toleranceSeconds = 300, now = new Date() }: VerifyWebhookInput): VerifiedWebhook {
  const key = keyOf(secret);
  const id = header(headers, "webhook-id");
  const timestampText = header(headers, "webhook-timestamp");
  const signatureText = header(headers, "webhook-signature");
  const missing = [
    ["webhook-id", id],
    ["webhook-timestamp", timestampText],
    ["webhook-signature", signatureText],
  ].flatMap(([name, value]) => (value ? [] : [name]));
  if (!id || !timestampText || !signatureText) {
    throw new WebhookVerificationError("missing_headers", `missing header(s): ${missing.join(", ")}`);
  }

  if (!/^\d{1,15}$/.test(timestampText)) {
    throw new WebhookVerificationError("invalid_timestamp", "webhook-timestamp is not a number of unix seconds");
  }
  const seconds = Number(timestampText);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (nowSeconds - seconds > toleranceSeconds) {
    throw new WebhookVerificationError("timestamp_too_old", `webhook-timestamp is more than ${toleranceSeconds}s in the past`);
  }
  if (seconds - nowSeconds > toleranceSeconds) {
    throw new WebhookVerificationError("timestamp_too_new", `webhook-timestamp is more than ${toleranceSeconds}s in the future`);
  }

  const signed = Buffer.concat([Buffer.from(`${id}.${timestampText}.`, "utf8"), Buffer.from(body)]);
  const entries = signatureText.split(/\s+/);
  const matches = key.kind === "hmac" ? matchesHmac(entries, key.bytes, signed) : matchesEd25519(entries, key.publicKey, signed);
  if (!matches) {
    const which = key.kind === "hmac" ? "no v1 signature matches the body and secret" : "no v1a signature matches the body and public key";
    throw new WebhookVerificationError("no_matching_signature", which);
  }

  return { id, timestamp: new Date(seconds * 1000) };
}

type VerificationKey = { kind: "hmac"; bytes: Buffer } | { kind: "ed25519"; publicKey: KeyObject };

function keyOf(secret: string): VerificationKey {
  if (secret.startsWith("whsk_")) {
    throw new TypeError("a whsk_ secret key signs and stays with the sender; verify with the whpk_ public key");
  }
  if (secret.startsWith("whpk_")) {
    const encoded = secret.slice("whpk_".length);
    const raw = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
    if (raw.length !== 32) throw new TypeError("public key must be whpk_ followed by base64 of 32 bytes");
    return { kind: "ed25519", publicKey: createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: "der", type: "spki" }) };
  }
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  // Buffer.from would silently skip bad characters and verify against a different key.
  if (encoded === "" || !BASE64.test(encoded)) throw new TypeError("secret must be base64, optionally prefixed with whsec_, or a whpk_ public key");
  return { kind: "hmac", bytes: Buffer.from(encoded, "base64") };
}

// Only the entries of the key's own scheme count: a v1a signature says nothing to a whsec_ secret.
function matchesHmac(entries: readonly string[], key: Buffer, signed: Buffer): boolean {
  const expected = createHmac("sha256", key).update(signed).digest();
  return entries
    .filter((entry) => entry.startsWith("v1,"))
    .some((entry) => {
      const candidate = Buffer.from(entry.slice(3), "base64");
      return candidate.length === expected.length && timingSafeEqual(candidate, expected);
    });
}

function matchesEd25519(entries: readonly string[], publicKey: KeyObject, signed: Buffer): boolean {
  return entries
    .filter((entry) => entry.startsWith("v1a,"))
    .some((entry) => {
      const candidate = Buffer.from(entry.slice(4), "base64");
      return candidate.length === 64 && verify(null, signed, publicKey, candidate);
    });
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === "function") return headers.get(name)?.trim() || undefined;
  const plain = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(plain).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : plain[key];
  const text = typeof value === "string" ? value : value?.join(" ");
  return text?.trim() || undefined;
}
