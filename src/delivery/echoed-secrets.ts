import type { SendResult } from "../outbound/send-request.js";

const redacted = "[redacted]";

/**
 * A partner that echoes the request back (a debugging endpoint, a mirror, an error page quoting
 * the headers) would put the token, the JWT and the group's custom header values into the answer
 * the log keeps, where viewer keys read it. Every value hookgate sent that the log must not show is
 * cut out of the answer's body and header values before it is recorded, in the forms an echo
 * takes: as sent, JSON-escaped and percent-encoded.
 *
 * Written here rather than taken from a library: the redactors around (pino's, fast-redact) work
 * by object path, not by value inside free text.
 */
export function withoutEchoedSecrets(result: SendResult, secrets: readonly string[]): SendResult {
  if (!result.ok) return result;
  const forms = echoForms(secrets);
  if (forms.length === 0) return result;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers)) headers[name] = redactText(value, forms, false);
  return { ...result, headers, body: redactText(result.body, forms, result.bodyTruncated) };
}

/** Each secret's spellings, longest first, so a whole value goes before a part of it (the token inside "Bearer …"). */
function echoForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === "") continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Below this, the end of a cut-off answer matching the start of a secret is taken for chance. */
const MIN_CUT_PREFIX = 4;

function redactText(text: string, forms: readonly string[], truncated: boolean): string {
  let result = text;
  for (const form of forms) {
    if (result.includes(form)) result = result.split(form).join(redacted);
  }
  if (!truncated) return result;
  // The log keeps the first 16 KiB: an echo cut there may end with the first part of a secret.
  for (const form of forms) {
    for (let length = Math.min(form.length - 1, result.length); length >= MIN_CUT_PREFIX; length--) {
      if (result.endsWith(form.slice(0, length))) return result.slice(0, result.length - length) + redacted;
    }
  }
  return result;
}
