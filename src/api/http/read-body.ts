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
  const body = await readUpTo(request, maxBytes);
  if (body.length === 0) return undefined;
  const contentType = request.headers["content-type"] ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new RequestBodyError(415, `content-type must be application/json, got "${contentType || "none"}"`);
  }
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new RequestBodyError(400, "the request body is not valid JSON");
  }
}

/**
 * The body, or a 413 once it passes `maxBytes` however it is sent (with a Content-Length or
 * chunked). The rest is left to flow and be discarded rather than the connection destroyed: a
 * client still sending would see its connection reset instead of the answer. Node's
 * requestTimeout bounds how long a client may keep sending.
 */
function readUpTo(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      request.resume();
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
  });
}

function tooLarge(maxBytes: number): RequestBodyError {
  return new RequestBodyError(413, `the request body is larger than ${maxBytes} bytes (HOOKGATE_MAX_REQUEST_BYTES)`);
}
