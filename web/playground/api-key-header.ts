/**
 * The playground's request headers are JSON in GraphiQL's headers editor; hookgate reads the API
 * key from `x-api-key`. These read and write that one header without touching the others.
 */
export const apiKeyHeader = "x-api-key";

/** The headers editor's text with `key` (empty: a field to fill). */
export function headersText(key: string): string {
  return JSON.stringify({ [apiKeyHeader]: key }, null, 2);
}

/** The key in the headers editor's text; "" when there is none, null when the text is not a JSON object. */
export function keyInHeaders(text: string): string | null {
  const headers = parseHeaders(text);
  if (headers === null) return null;
  const key = headers[apiKeyHeader];
  return typeof key === "string" ? key.trim() : "";
}

/** The headers editor's text with `key` put into it, the other headers left as they were; null when the text is not a JSON object. */
export function withKey(text: string, key: string): string | null {
  const headers = parseHeaders(text);
  return headers === null ? null : JSON.stringify({ ...headers, [apiKeyHeader]: key }, null, 2);
}

function parseHeaders(text: string): Record<string, unknown> | null {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
