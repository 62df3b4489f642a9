import type { IncomingMessage } from "node:http";

export class RequestBodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON request body, refusing it as soon as it passes `maxBytes` instead of buffering
 * an attacker's gigabyte first. An empty body is `undefined`.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers["content-length"]);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      request.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const contentType = request.headers["content-type"] ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new RequestBodyError(415, `content-type must be application/json, got "${contentType || "none"}"`);
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw new RequestBodyError(400, "the request body is not valid JSON");
  }
}

function tooLarge(maxBytes: number): RequestBodyError {
  return new RequestBodyError(413, `the request body is larger than ${maxBytes} bytes (HOOKGATE_MAX_REQUEST_BYTES)`);
}
