/** Token answers are a few hundred bytes; a partner streaming megabytes is refused, not buffered. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** The shape of wreck's (Boom) errors, as far as we read them. */
interface WreckFailure {
  isBoom?: boolean;
  message?: string;
  output?: { statusCode?: number };
  data?: {
    res?: { statusCode?: number; headers?: Record<string, string | string[] | undefined>; socket?: { bytesRead?: number } | null };
    payload?: unknown;
  } | null;
}

/** Why a token request failed, in words an integrator can act on, and the endpoint's status if it answered. */
export function describeTokenFailure(
  error: unknown,
  { timeoutMs, maxBytes }: { timeoutMs: number; maxBytes: number },
): { problem: string; status?: number } {
  const failure = (typeof error === "object" && error !== null ? error : {}) as WreckFailure;
  if (!failure.isBoom) {
    // simple-oauth2 itself refused the body (empty, or JSON that is not an object).
    return { problem: "answered without an access_token" };
  }
  const status = failure.data?.res?.statusCode;
  if (status !== undefined && (status < 200 || status > 299)) {
    return { problem: `answered HTTP ${status}${oauthErrorCode(failure.data?.payload)}`, status };
  }
  if (status !== undefined) {
    // A 2xx whose body could not be read: wreck reports why in its own (Boom) status.
    if (failure.output?.statusCode === 408) return { problem: `did not finish its answer within ${timeoutMs} ms` };
    if (failure.output?.statusCode === 413 || readPastLimit(failure, maxBytes)) return { problem: `answered more than ${maxBytes} bytes` };
    if (failure.message === "Payload stream closed prematurely") return { problem: "broke off its answer before the end" };
    return { problem: "answered with a body that is not JSON" };
  }
  if (failure.message === "Client request timeout") return { problem: `did not answer within ${timeoutMs} ms` };
  if (failure.message === "Maximum redirections reached") {
    return { problem: "answered with a redirect, which is not followed" };
  }
  // Anything else is the socket's own error (refused, reset, DNS, the SSRF guard's refusal), which
  // Boom turned into "Client request error: <its message>" in place.
  const cause = (failure.message ?? "unknown error").replace(/^Client request error: /, "");
  return { problem: `is unreachable (${cause})` };
}

/**
 * wreck stops reading at maxBytes by destroying the response, which makes it report its own
 * "Payload stream closed prematurely" instead of the 413 it meant: the answer is told apart from
 * one a partner really broke off by its declared length or by how much the socket had read.
 */
function readPastLimit(failure: WreckFailure, maxBytes: number): boolean {
  const res = failure.data?.res;
  const declared = Number(res?.headers?.["content-length"]);
  return declared > maxBytes || (res?.socket?.bytesRead ?? 0) > maxBytes;
}

/** The OAuth2 `error` code of an error answer, e.g. ` (invalid_client)`: what an integrator needs to fix it. */
function oauthErrorCode(payload: unknown): string {
  if (typeof payload !== "object" || payload === null) return "";
  const code = (payload as { error?: unknown }).error;
  return typeof code === "string" && /^[\x21-\x7e]{1,64}$/.test(code) ? ` (${code})` : "";
}

/** Text that came from the partner or the socket could echo the secret; it never reaches a message. */
export function redact(text: string, secret: string): string {
  return secret === "" ? text : text.split(secret).join("[redacted]");
}
