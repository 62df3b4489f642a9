/**
 * The errors a caller may see. Every module throws these; the API edges (GraphQL, and later
 * REST) map them to codes in one place each. Anything else is an internal error and is masked.
 * Messages never carry secrets, SQL or stack traces.
 */
export type ErrorCode = "BAD_USER_INPUT" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "RATE_LIMITED";

export abstract class HookgateError extends Error {
  abstract readonly code: ErrorCode;
}

/** Input refused before anything was written. `field` is the argument path, e.g. `input.hooks[0].endpoint`. */
export class InputError extends HookgateError {
  readonly code = "BAD_USER_INPUT";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export class UnauthenticatedError extends HookgateError {
  readonly code = "UNAUTHENTICATED";
  constructor(message = "a valid API key is required (x-api-key header or Authorization: Bearer)") {
    super(message);
  }
}

export class ForbiddenError extends HookgateError {
  readonly code = "FORBIDDEN";
}

export class NotFoundError extends HookgateError {
  readonly code = "NOT_FOUND";
}

/** Over a request limit: nothing was done; the same request may succeed after `retryAfterSeconds`. */
export class RateLimitedError extends HookgateError {
  readonly code = "RATE_LIMITED";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
