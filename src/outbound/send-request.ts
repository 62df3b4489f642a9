import { performance } from "node:perf_hooks";
import { errors, request, type Dispatcher } from "undici";

export interface SendOptions {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Bounds the whole exchange: connect, response headers and response body. */
  timeoutMs: number;
  /** The log keeps this much of a partner's answer; the rest is discarded unread. */
  maxResponseBytes?: number;
}

export type SendFailure = {
  kind: "timeout" | "blocked" | "network" | "invalid-url";
  message: string;
};

/**
 * `ok` means an HTTP answer arrived, whatever its status; whether a status counts as delivered
 * (2xx) or retried is the caller's decision.
 */
export type SendResult =
  | {
      ok: true;
      status: number;
      headers: Record<string, string>;
      body: string;
      bodyTruncated: boolean;
      durationMs: number;
    }
  | { ok: false; error: SendFailure; durationMs: number };

/**
 * One HTTP exchange with a partner. Redirects are not followed: a 3xx comes back as a status, so a
 * partner cannot bounce a delivery (with its token and signature) to another host. Never throws for
 * network trouble; only a programmer error (e.g. an invalid header value) throws.
 */
export async function sendRequest(dispatcher: Dispatcher, options: SendOptions): Promise<SendResult> {
  const { url, method, headers, body, timeoutMs, maxResponseBytes = 16_384 } = options;
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);

  const target = parseTarget(url);
  if (typeof target === "string") {
    return { ok: false, error: { kind: "invalid-url", message: target }, durationMs: elapsed() };
  }
  // One deadline for everything; headersTimeout/bodyTimeout alone would reset per phase.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await request(target, { dispatcher, method, headers, body, signal });
    const { text, truncated } = await readCapped(response.body, maxResponseBytes);
    return {
      ok: true,
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      body: text,
      bodyTruncated: truncated,
      durationMs: elapsed(),
    };
  } catch (error) {
    if (error instanceof errors.InvalidArgumentError) throw error;
    return { ok: false, error: describeFailure(error, signal, timeoutMs), durationMs: elapsed() };
  }
}

function parseTarget(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a valid URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return `must use http or https, not ${parsed.protocol}`;
  }
  return parsed;
}

async function readCapped(
  body: Dispatcher.ResponseData["body"],
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    const room = limit - size;
    if (bytes.length > room) {
      chunks.push(bytes.subarray(0, room));
      size = limit;
      truncated = true;
      break;
    }
    chunks.push(bytes);
    size += bytes.length;
  }
  // Leaving the loop early already destroys the stream; said again so the intent is plain: the
  // rest of a huge answer is never read, and that connection is closed rather than drained.
  if (truncated) body.destroy();
  return { text: Buffer.concat(chunks, size).toString("utf8"), truncated };
}

function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function describeFailure(error: unknown, signal: AbortSignal, timeoutMs: number): SendFailure {
  // Checked first: a refusal is the operator's to fix, and it says which address was refused.
  const blocked = findInCauses(error, (e) => e.code === "HOOKGATE_BLOCKED_ADDRESS");
  if (blocked) return { kind: "blocked", message: blocked.message };
  if (signal.aborted || findInCauses(error, (e) => TIMEOUT_CODES.has(String(e.code)))) {
    return { kind: "timeout", message: `no complete answer within ${timeoutMs} ms` };
  }
  const known = error instanceof Error ? error : undefined;
  const code = (known as { code?: unknown } | undefined)?.code;
  const message = known?.message || String(error);
  return { kind: "network", message: typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message };
}

type CodedError = Error & { code?: unknown };

/** Libraries wrap socket errors (`cause`, AggregateError from happy eyeballs); look a few levels down. */
function findInCauses(error: unknown, test: (e: CodedError) => boolean, depth = 0): CodedError | undefined {
  if (!(error instanceof Error) || depth > 4) return undefined;
  if (test(error)) return error;
  const nested = [error.cause, ...(error instanceof AggregateError ? error.errors : [])];
  for (const inner of nested) {
    const found = findInCauses(inner, test, depth + 1);
    if (found) return found;
  }
  return undefined;
}
