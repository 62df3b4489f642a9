import { InputError } from "../errors.js";

/** An origin body once decoded: the GraphQL request hookgate runs to build a payload. */
export interface OriginRequest {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly operationName: string | null;
}

/**
 * Decodes an origin `body`: a JSON-encoded GraphQL request `{ operationName?, variables?, query }`,
 * stored as text exactly as doo stores it. `field` is the caller's path to the body, so the
 * message points at the input the user actually sent.
 */
export function parseOriginRequest(body: string, field: string): OriginRequest {
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch {
    throw new InputError(field, "is not valid JSON; expected a GraphQL request { operationName?, variables?, query }");
  }
  if (!isPlainObject(decoded)) {
    throw new InputError(field, "must be a JSON object { operationName?, variables?, query }");
  }
  const { query, variables, operationName } = decoded;
  if (typeof query !== "string" || query.trim() === "") {
    throw new InputError(field, '"query" must be a non-empty string');
  }
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) {
    throw new InputError(field, '"variables" must be an object');
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw new InputError(field, '"operationName" must be a string or null');
  }
  return {
    query,
    variables: variables ?? {},
    // An empty operationName means "not named" in practice (some clients send ""), not a name to look up.
    operationName: operationName ? operationName : null,
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
