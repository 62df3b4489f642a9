import { type GraphQLSchema, parse, validate, type OperationDefinitionNode } from "graphql";
import { isPlainObject } from "./origin-body.js";

// An origin is a JSON-encoded GraphQL request: {"operationName","variables","query"}. The composer
// edits its parts; these functions take one apart and put it together.

export interface OriginParts {
  query: string;
  /** JSON text, as the variables editor holds it. */
  variables: string;
}

export const defaultEventQuery = `query EventShort($id: ID!) {
  event(id: $id) {
    id
    title
    startDate
    endDate
  }
}
`;

export const defaultOrderQuery = `query OrderShort($id: ID!) {
  order(id: $id) {
    id
    hash
    status
    total
    currency
    event {
      title
    }
  }
}
`;

export const eventVariables = '{\n  "id": "%EVENT_ID%"\n}';
export const orderVariables = '{\n  "id": "%ORDER_ID%"\n}';

/** The parts of a stored origin body; a body that is not one gives the defaults. */
export function originParts(body: string | undefined, orderHook: boolean): OriginParts {
  const fallback = { query: orderHook ? defaultOrderQuery : defaultEventQuery, variables: orderHook ? orderVariables : eventVariables };
  if (!body) return fallback;
  try {
    const request: unknown = JSON.parse(body);
    if (!isPlainObject(request) || typeof request.query !== "string") return fallback;
    return { query: request.query, variables: JSON.stringify(request.variables ?? {}, null, 2) };
  } catch {
    return fallback;
  }
}

/** The origin body hookgate stores, or the problem that keeps it from being one. */
export function originBody(parts: OriginParts): { body: string } | { problem: string } {
  let variables: unknown;
  try {
    variables = parts.variables.trim() === "" ? {} : JSON.parse(parts.variables);
  } catch {
    return { problem: "Variables must be a JSON object." };
  }
  if (!isPlainObject(variables)) return { problem: "Variables must be a JSON object." };
  return { body: JSON.stringify({ operationName: operationName(parts.query), variables, query: parts.query }) };
}

function operationName(query: string): string | null {
  try {
    const operation = parse(query).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === "OperationDefinition");
    return operation?.name?.value ?? null;
  } catch {
    return null;
  }
}

/** What is wrong with the query on `schema`: syntax first, then validation, as hookgate would say it. */
export function queryProblems(query: string, schema: GraphQLSchema | undefined): string[] {
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  if (!schema) return [];
  return validate(schema, document).map((error) => {
    const where = error.locations?.[0];
    return where ? `${error.message} (line ${where.line})` : error.message;
  });
}
