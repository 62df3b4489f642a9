import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import { HookgateError, InputError, RateLimitedError } from "../../errors.js";
import { databaseUnavailable, isDatabaseUnavailable } from "../database-unavailable.js";
import { RequestBodyError } from "../http/read-body.js";
import { sendJson } from "../http/send-json.js";
import { inDooTerms } from "./doo-field-names.js";

/** What a REST action answers; `body` absent means no content (204). */
export interface RestAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** doo's envelope around a successful write: `data` is what was made (a created group's id). */
export function success(data: unknown, selfHref: string): RestAnswer {
  return {
    status: 200,
    body: { response_status: 200, developer_message: "Success", user_message: "Success", data, _links: { self: { href: selfHref } } },
  };
}

/**
 * doo's error envelope. `code` is the GraphQL API's `extensions.code` for the same refusal and
 * `field` the doo name of the input at fault, so a client can tell refusals apart without
 * parsing the message.
 */
export function failure(status: number, message: string, extra: { code: string; field?: string }): RestAnswer {
  return {
    status,
    body: { response_status: status, developer_message: message, user_message: message, ...extra },
  };
}

const statusOfCode = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429 } as const;

/**
 * The one place the REST edge turns errors into answers, as format-error.ts does for GraphQL:
 * hookgate's own errors keep their message; anything else is logged and masked.
 */
export function failureOf(error: unknown, logger: Logger): RestAnswer {
  if (error instanceof InputError) {
    const { field, message } = inDooTerms(error);
    return failure(400, message, { code: error.code, field });
  }
  if (error instanceof RateLimitedError) {
    return { ...failure(429, error.message, { code: error.code }), headers: { "retry-after": String(error.retryAfterSeconds) } };
  }
  if (error instanceof HookgateError) return failure(statusOfCode[error.code], error.message, { code: error.code });
  if (error instanceof RequestBodyError) {
    return failure(error.status, error.message, { code: error.status === 413 ? "BAD_USER_INPUT" : "BAD_REQUEST" });
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn({ err: error }, "the database did not answer a REST request");
    const { status, message, code, retryAfterSeconds } = databaseUnavailable;
    return { ...failure(status, message, { code }), headers: { "retry-after": String(retryAfterSeconds) } };
  }
  logger.error({ err: error }, "internal error while answering a REST request");
  return failure(500, "Internal server error", { code: "INTERNAL_SERVER_ERROR" });
}

export function send(response: ServerResponse, answer: RestAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
  if (answer.body === undefined) {
    response.writeHead(answer.status);
    response.end();
    return;
  }
  sendJson(response, answer.status, answer.body);
}
