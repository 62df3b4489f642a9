import type { DeliveryToSend } from "../../store/delivery.repository.js";
import { contentTypeOf } from "../body-format.js";

const redacted = "[redacted]";

export interface PartnerHeaders {
  /** What is sent. */
  sent: Record<string, string>;
  /** What the attempt log keeps: the same, with the token replaced. */
  logged: Record<string, string>;
  /** The values `logged` hides (whole, and the bare token): the log keeps them out of the answer too. */
  secrets: string[];
}

/**
 * The headers of one request to a partner: the group's static headers, the hook's body format,
 * who we are, the signature, `webhook-mode: sandbox` for a SANDBOX group's delivery, Dozuki's JWT
 * when the group has a secret key, and the access token in the group's
 * header format (`Authorization: Bearer %ACCESS_TOKEN%` by default). The log gets every value
 * that could be a secret redacted.
 */
export function partnerHeaders(
  delivery: DeliveryToSend,
  signature: Record<string, string>,
  accessToken: string | null,
  extra: { staticHeaders: ReadonlyArray<{ name: string; value: string }>; webhookSecretJwt: string | null },
): PartnerHeaders {
  const sent: Record<string, string> = {};
  const logged: Record<string, string> = {};
  const secrets: string[] = [];
  // The group's own headers first: names that hookgate sets are refused when a group is created,
  // and what follows would win anyway.
  for (const header of extra.staticHeaders) {
    sent[header.name.toLowerCase()] = header.value;
    logged[header.name.toLowerCase()] = redacted;
    secrets.push(header.value);
  }
  const own: Record<string, string> = {
    "content-type": contentTypeOf[delivery.hook_body_format],
    "user-agent": "hookgate/0.1 (+https://www.standardwebhooks.com)",
    ...signature,
    // Not signed (Standard Webhooks signs id, timestamp and body only): a partner tells sandbox from
    // live by the signing secret that verifies, each group having its own; the header is a label.
    ...(delivery.mode === "SANDBOX" ? { "webhook-mode": "sandbox" } : {}),
  };
  Object.assign(sent, own);
  Object.assign(logged, own);
  if (extra.webhookSecretJwt !== null) {
    sent["x-webhook-secret"] = extra.webhookSecretJwt;
    logged["x-webhook-secret"] = redacted;
    secrets.push(extra.webhookSecretJwt);
  }
  if (accessToken !== null && delivery.auth_header_format) {
    const name = delivery.auth_header_format.toLowerCase();
    const format = delivery.auth_header_value_format ?? "Bearer %ACCESS_TOKEN%";
    sent[name] = format.replaceAll("%ACCESS_TOKEN%", accessToken);
    logged[name] = format.replaceAll("%ACCESS_TOKEN%", redacted);
    secrets.push(sent[name], accessToken);
  }
  return { sent, logged, secrets };
}
