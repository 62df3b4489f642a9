import { InputError } from "../../errors.js";

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers the HTTP layer or hookgate's signing owns; a group's own headers must not overwrite them. */
const reservedHeaders = new Set([
  "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
  "content-length", "content-type", "content-encoding", "expect",
  "webhook-id", "webhook-timestamp", "webhook-signature", "webhook-mode", "x-webhook-secret",
  // Set from the delivery's trace when tracing is on (docs/tracing.md): a group's own would be
  // replaced then and sent as it is otherwise, a trace id that means nothing to hookgate.
  "traceparent",
]);

/** An HTTP header name (RFC 9110 token) that hookgate does not set itself. */
export function checkHeaderName(name: string, field: string): string {
  if (name.length === 0 || name.length > 100 || !headerName.test(name)) {
    throw new InputError(field, "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-, at most 100)");
  }
  if (reservedHeaders.has(name.toLowerCase())) {
    throw new InputError(field, `${name} is set by hookgate or the HTTP layer; choose another header`);
  }
  return name;
}
