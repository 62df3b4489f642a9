import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { HookgateError, InputError } from "../errors.js";
import { databaseUnavailable, isDatabaseUnavailable } from "./database-unavailable.js";
import { tokenLimitMessage } from "./query-limits.js";
import { variableCoercionMessage } from "./input/coercion-message.js";
import { literalCoercionMessage } from "./input/literal-message.js";

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
export function createErrorFormatter(options: { development: boolean; logger: Logger; schema: GraphQLSchema }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof HookgateError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original instanceof InputError) extensions.field = original.field;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === "string" && requestErrorCodes.has(code)) {
      const tooLong = code === "GRAPHQL_PARSE_FAILED" ? tokenLimitMessage(formatted.message) : null;
      if (tooLong) return { ...(options.development ? formatted : withoutStacktrace(formatted)), message: tooLong };
      // Coercion errors quote the refused value (a secret sent with the wrong type, say): rebuilt
      // without it, and without the stack trace development adds, whose first line repeats it.
      const rebuilt =
        code === "BAD_USER_INPUT"
          ? variableCoercionMessage(original, options.schema)
          : code === "GRAPHQL_VALIDATION_FAILED"
            ? literalCoercionMessage(original, options.schema)
            : null;
      if (!rebuilt) return options.development ? formatted : withoutStacktrace(formatted);
      const { message, field } = rebuilt;
      const shown = withoutStacktrace(formatted);
      // A literal of the wrong type is bad input like a variable of the wrong type, whichever step found it.
      return { ...shown, message, extensions: { ...shown.extensions, code: "BAD_USER_INPUT", ...(field ? { field } : {}) } };
    }
    if (isDatabaseUnavailable(original)) {
      options.logger.warn({ err: original, path: formatted.path }, "the database did not answer a request");
      const { message, code } = databaseUnavailable;
      return { message, path: formatted.path, extensions: { code } };
    }
    options.logger.error({ err: original, path: formatted.path }, "internal error while answering a request");
    if (options.development) return formatted;
    return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.stacktrace) return formatted;
  const { stacktrace: _dropped, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
