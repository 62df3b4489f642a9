/**
 * Verifies a Standard Webhooks delivery from hookgate. Self-contained on purpose (Node's crypto
 * only): partners may copy this file into their own code base.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

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
  /** The signing secret, with or without its `whsec_` prefix. */
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

export function verifyWebhook({ secret, headers, body, toleranceSeconds = 300, now = new Date() }: VerifyWebhookInput): VerifiedWebhook {
  const key = keyBytes(secret);
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

  const expected = createHmac("sha256", key).update(`${id}.${timestampText}.`, "utf8").update(body).digest();
  const matches = signatureText
    .split(/\s+/)
    .filter((entry) => entry.startsWith("v1,"))
    .some((entry) => {
      const candidate = Buffer.from(entry.slice(3), "base64");
      return candidate.length === expected.length && timingSafeEqual(candidate, expected);
    });
  if (!matches) throw new WebhookVerificationError("no_matching_signature", "no v1 signature matches the body and secret");

  return { id, timestamp: new Date(seconds * 1000) };
}

function keyBytes(secret: string): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  // Buffer.from would silently skip bad characters and verify against a different key.
  if (encoded === "" || !BASE64.test(encoded)) throw new TypeError("secret must be base64, optionally prefixed with whsec_");
  return Buffer.from(encoded, "base64");
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === "function") return headers.get(name)?.trim() || undefined;
  const plain = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(plain).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : plain[key];
  const text = typeof value === "string" ? value : value?.join(" ");
  return text?.trim() || undefined;
}
