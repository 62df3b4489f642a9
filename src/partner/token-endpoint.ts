import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { TOKEN_LIFETIME_SECONDS, type TokenMint } from "./tokens.js";

export interface TokenEndpointOptions {
  clientId: string;
  clientSecret: string;
  /** Answer as doo documents it, `{ message, description, access_token }`, instead of RFC 6749's. */
  dooToken: boolean;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One token request, as the partner reports it. */
export interface TokenRequestRecord {
  kind: "token";
  clientId: string | null;
  status: number;
  /** The OAuth2 error code of a refusal (RFC 6749 §5.2). */
  error?: string;
  problem?: string;
}

const noStore = { "cache-control": "no-store", pragma: "no-cache" };

/**
 * POST /oauth/token: OAuth2 client credentials. The credentials may come as form fields (as
 * hookgate and doo send them), as a JSON body, or as HTTP Basic; wrong ones get 401 and an
 * `invalid_client` body, as a real authorization server answers.
 */
export function answerTokenRequest(
  method: string,
  headers: IncomingHttpHeaders,
  body: string,
  options: TokenEndpointOptions,
  mint: TokenMint,
): { answer: Answer; record: TokenRequestRecord } {
  const fields = requestFields(headers, body);
  const basic = basicCredentials(headers.authorization);
  const clientId = basic?.id ?? fields.get("client_id");
  const clientSecret = basic?.secret ?? fields.get("client_secret");
  const refuse = (status: number, error: string, problem: string) => ({
    answer: {
      status,
      headers: {
        "content-type": "application/json",
        ...noStore,
        ...(status === 401 ? { "www-authenticate": 'Basic realm="hookgate partner"' } : {}),
        ...(status === 405 ? { allow: "POST" } : {}),
      },
      body: JSON.stringify({ error, error_description: problem }),
    },
    record: { kind: "token" as const, clientId: clientId ?? null, status, error, problem },
  });

  if (method !== "POST") return refuse(405, "invalid_request", "the token endpoint takes POST");
  const grantType = fields.get("grant_type");
  if (grantType === null) return refuse(400, "invalid_request", "grant_type is missing");
  if (grantType !== "client_credentials") return refuse(400, "unsupported_grant_type", `grant_type must be client_credentials`);
  if (clientId === null || clientId === undefined || clientSecret === null || clientSecret === undefined) {
    return refuse(401, "invalid_client", "client_id and client_secret are required");
  }
  if (clientId !== options.clientId) return refuse(401, "invalid_client", `unknown client_id "${printable(clientId)}"`);
  if (!sameText(clientSecret, options.clientSecret)) return refuse(401, "invalid_client", "wrong client_secret");

  const accessToken = mint.issue();
  const answer = options.dooToken
    ? { message: "OK", description: "Access token issued", access_token: accessToken }
    : { access_token: accessToken, token_type: "Bearer", expires_in: TOKEN_LIFETIME_SECONDS };
  return {
    answer: { status: 200, headers: { "content-type": "application/json", ...noStore }, body: JSON.stringify(answer) },
    record: { kind: "token", clientId, status: 200 },
  };
}

function requestFields(headers: IncomingHttpHeaders, body: string): { get(name: string): string | null } {
  if ((headers["content-type"] ?? "").includes("json")) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed !== null && typeof parsed === "object") {
        const object = parsed as Record<string, unknown>;
        return { get: (name) => (typeof object[name] === "string" ? (object[name] as string) : null) };
      }
    } catch {
      // Not JSON after all: read it as a form, which finds nothing and is refused as such.
    }
  }
  return new URLSearchParams(body);
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | null {
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  // RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
  const unform = (text: string) => decodeURIComponent(text.replace(/\+/g, " "));
  try {
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A caller-given value fit for one line of output: at most 40 characters, no control characters. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
