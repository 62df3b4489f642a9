import type { Fetcher } from "@graphiql/toolkit";
import { storeApiKey } from "../shared/api-key-storage.js";
import { apiKeyHeader } from "./api-key-header.js";

/** hookgate's API on the page's own origin: the page is served by the hookgate it talks to. */
const endpoint = "/graphql";

/**
 * Runs the editor's operation as a plain POST /graphql with the headers editor's headers. An
 * empty header is left out (an empty `x-api-key` means "no key", not "a wrong key").
 */
export const hookgateFetcher: Fetcher = async (params, options) => {
  const headers = sentHeaders(options?.headers);
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...headers },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  const result = parseResult(text, response.status);
  rememberAcceptedKey(headers[apiKeyHeader], result);
  return result;
};

function sentHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = typeof value === "string" ? value.trim() : value == null ? "" : String(value);
    if (text !== "") sent[name.toLowerCase()] = text;
  }
  return sent;
}

/** hookgate answers JSON; anything else (a proxy's error page) is shown as an error rather than lost. */
function parseResult(text: string, status: number): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object") return parsed as Record<string, unknown>;
  } catch {
    // not JSON: reported below
  }
  return { errors: [{ message: `hookgate answered HTTP ${status} without a GraphQL result: ${text.slice(0, 500)}` }] };
}

/**
 * A key typed into the headers editor is kept as the tab's `hookgate.apiKey` (session storage,
 * shared with the console) once hookgate has accepted it, not on each keystroke: a half-typed or
 * mistyped key must not replace a working one, nor sign the console in with a key that fails.
 * Keeping it is safe for the same reasons the console keeps it there: session storage lives as
 * long as the tab, never reaches a URL or a cookie, and the playground's own storage (its tabs)
 * never holds headers. It saves typing the key again in the next tab of the playground, after a
 * reload, and in the console.
 */
function rememberAcceptedKey(key: string | undefined, result: Record<string, unknown>): void {
  if (!key) return;
  const errors = Array.isArray(result.errors) ? (result.errors as Array<{ extensions?: { code?: unknown } }>) : [];
  if (errors.some((error) => error.extensions?.code === "UNAUTHENTICATED")) return;
  storeApiKey(key);
}
