import type { DeliveryToSend } from "../store/delivery.repository.js";

const redacted = "[redacted]";

export interface PartnerHeaders {
  /** What is sent. */
  sent: Record<string, string>;
  /** What the attempt log keeps: the same, with the token replaced. */
  logged: Record<string, string>;
}

/**
 * The headers of one request to a partner: JSON, who we are, the signature, and the access token
 * in the group's header format (`Authorization: Bearer %ACCESS_TOKEN%` by default).
 */
export function partnerHeaders(
  delivery: DeliveryToSend,
  signature: Record<string, string>,
  accessToken: string | null,
): PartnerHeaders {
  const sent: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "hookgate/0.1 (+https://www.standardwebhooks.com)",
    ...signature,
  };
  const logged = { ...sent };
  if (accessToken !== null && delivery.auth_header_format) {
    const name = delivery.auth_header_format.toLowerCase();
    const format = delivery.auth_header_value_format ?? "Bearer %ACCESS_TOKEN%";
    sent[name] = format.replaceAll("%ACCESS_TOKEN%", accessToken);
    logged[name] = format.replaceAll("%ACCESS_TOKEN%", redacted);
  }
  return { sent, logged };
}
