import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { HookgateError, InputError } from "../errors.js";

// Codes graphql-js and Apollo attach to errors about the request itself: safe to show as they are.
const requestErrorCodes = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/**
 * The one place errors become what a client sees. hookgate's own errors keep their message and
 * code (and the field they name); request errors pass through; anything else is an internal error
 * whose details are logged and, outside development, never sent.
 */
export function createErrorFormatter(options: { development: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof HookgateError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original instanceof InputError) extensions.field = original.field;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === "string" && requestErrorCodes.has(code)) {
      const shown = options.development ? formatted : withoutStacktrace(formatted);
      const field = code === "BAD_USER_INPUT" ? coercionField(formatted.message) : undefined;
      return field ? { ...shown, extensions: { ...shown.extensions, field } } : shown;
    }
    options.logger.error({ err: original, path: formatted.path }, "internal error while answering a request");
    if (options.development) return formatted;
    return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}

/**
 * graphql-js reports a variable it cannot coerce as `Variable "$input" got invalid value … at
 * "input.startDate"; …`. Lifting that path into `extensions.field` gives every BAD_USER_INPUT
 * the same shape, whether hookgate or GraphQL itself refused the value.
 */
function coercionField(message: string): string | undefined {
  const variable = /^Variable "\$([^"]+)"/.exec(message)?.[1];
  if (!variable) return undefined;
  const at = /got invalid value .*? at "([^"]+)"/.exec(message)?.[1] ?? variable;
  // A missing or unknown input field is named inside the message rather than in the path.
  const inner = /; Field "([^"]+)" (?:of required type|is not defined)/.exec(message)?.[1];
  return inner ? `${at}.${inner}` : at;
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.stacktrace) return formatted;
  const { stacktrace: _dropped, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
