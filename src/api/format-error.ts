import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { HookgateError, InputError } from "../errors.js";
import { databaseUnavailable, isDatabaseUnavailable } from "./database-unavailable.js";

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
      if (code !== "BAD_USER_INPUT") return shown;
      const { message, field } = withoutEchoedValue(shown.message);
      return { ...shown, message, extensions: field ? { ...shown.extensions, field } : shown.extensions };
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

/**
 * graphql-js reports a variable it cannot coerce as
 * `Variable "$input" got invalid value { …the whole value… } at "input.x.y"; <reason>`.
 * The echoed value may hold a secret (a client secret sent under doo's spelling `client_secret`),
 * so it is cut out; the path moves into `extensions.field`, the same shape as hookgate's own
 * input errors.
 */
function withoutEchoedValue(message: string): { message: string; field?: string } {
  const variable = /^Variable "\$([A-Za-z_]\w*)" got invalid value /.exec(message)?.[1];
  if (!variable) {
    const missing = /^Variable "\$([A-Za-z_]\w*)" of required type/.exec(message)?.[1];
    return missing ? { message, field: missing } : { message };
  }
  // Paths are identifiers and [n] only, so the last " at "<path>"; " is graphql's own, whatever the value holds.
  const atPath = new RegExp(` at "(${variable}(?:\\.[A-Za-z_]\\w*|\\[\\d+\\])*)"; `, "g");
  const located = [...message.matchAll(atPath)].at(-1);
  const reasonStart = located ? located.index + located[0].length : message.lastIndexOf("; ") + 2;
  const reason = message.slice(reasonStart);
  const path = located?.[1] ?? variable;
  // A missing or unknown input field is named in the reason rather than in the path.
  const inner = /^Field "([^"]+)" (?:of required type|is not defined)/.exec(reason)?.[1];
  return {
    message: `Variable "$${variable}" got an invalid value${located ? ` at "${path}"` : ""}; ${reason}`,
    field: inner ? `${path}.${inner}` : path,
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.stacktrace) return formatted;
  const { stacktrace: _dropped, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
