import {
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type OperationDefinitionNode,
} from "graphql";
import { InputError } from "../errors.js";
import type { BuiltInTypes, QueryLimits } from "./built-in-schema.js";
import { originScopeRule } from "./origin-scope.js";
import type { OriginRequest } from "./origin-request.js";

/** How many of graphql's validation messages an error quotes; the first few say what is wrong. */
const QUOTED_ERRORS = 3;

/**
 * Parses an origin query, turning graphql's syntax error into an InputError on `field`; `limits`
 * (the built-in schema's) stop an oversized one while it is read.
 */
export function parseOriginQuery(query: string, field: string, limits?: Pick<QueryLimits, "parse">): DocumentNode {
  try {
    return limits ? limits.parse(query) : parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) throw new InputError(field, error.message);
    throw error;
  }
}

/**
 * Checks an origin request against the built-in schema when the group is created, so a broken
 * payload query is refused then rather than failing every delivery. Returns the parsed document.
 */
export function validateOriginQuery(builtIn: BuiltInTypes, request: OriginRequest, field: string): DocumentNode {
  const document = parseValidated(builtIn, request.query, field);
  selectOriginOperation(document, request, field);
  checkOriginCost(builtIn, document, request, field);
  return document;
}

/**
 * The API's bound on the objects a query could return, for an origin query with its variables
 * (placeholders or the ids they stand for: either way a page size is the same). Checked at
 * creation and preview, and before every run: origins stored before the bound was enforced
 * must not build megabytes either.
 */
export function checkOriginCost(
  builtIn: Pick<BuiltInTypes, "limits">,
  document: DocumentNode,
  request: Pick<OriginRequest, "variables" | "operationName">,
  field: string,
): void {
  const error = builtIn.limits.costError(document, request.variables, request.operationName);
  if (error) throw new InputError(field, error.message);
}

/**
 * What can be checked of a query for a remote (allow-listed) origin without its schema: syntax,
 * the operation chosen, that it only reads, and its required variables.
 */
export function checkRemoteOriginQuery(request: OriginRequest, field: string): DocumentNode {
  const document = parseOriginQuery(request.query, field);
  selectOriginOperation(document, request, field);
  return document;
}

/** The operation a request runs; refuses ambiguity, writes, and missing required variables. */
export function selectOriginOperation(
  document: DocumentNode,
  request: OriginRequest,
  field: string,
): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  let operation: OperationDefinitionNode | undefined;
  if (request.operationName !== null) {
    operation = operations.find((candidate) => candidate.name?.value === request.operationName);
    if (!operation) throw new InputError(field, `operation "${request.operationName}" is not in the query`);
  } else if (operations.length === 1) {
    operation = operations[0];
  } else if (operations.length === 0) {
    throw new InputError(field, "the query has no operation");
  } else {
    throw new InputError(field, "the query has several operations; set operationName to choose one");
  }
  if (!operation) throw new InputError(field, "the query has no operation");
  if (operation.operation !== "query") {
    throw new InputError(field, `${operation.operation} refused: origin queries may only read`);
  }
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const value = request.variables[name];
    // Execution would fail every delivery with "Variable $x of required type … was not provided".
    if (definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue && (value === undefined || value === null)) {
      throw new InputError(field, `variable $${name} is required by the query but missing from "variables"`);
    }
  }
  return operation;
}

export interface OriginDocumentCache {
  /** The parsed document, validated against the schema; throws the same InputErrors as creation. */
  get(query: string, field?: string): DocumentNode;
  /**
   * `get`, with the objects bound checked for the origin's own variables (a placeholder costs
   * what the id it stands for costs), remembered per stored origin `body`.
   */
  getChecked(body: string, request: OriginRequest, field?: string): DocumentNode;
  readonly size: number;
}

/**
 * Parse plus validate costs about thirty executions, so delivery keeps the result per distinct
 * query text (and the objects bound, a third of an execution, per origin body). Least recently
 * used entries go first once `maxEntries` is reached. Failures are not cached: they should not
 * happen for stored groups, and must not crowd out good entries.
 */
export function createOriginDocumentCache(builtIn: BuiltInTypes, maxEntries = 1000): OriginDocumentCache {
  const entries = new Map<string, DocumentNode>();
  const checked = new Map<string, DocumentNode>();
  const cache: OriginDocumentCache = {
    get(query, field = "origin.body") {
      const cached = recall(entries, query);
      if (cached) return cached;
      const document = parseValidated(builtIn, query, field);
      remember(entries, query, document, maxEntries);
      return document;
    },
    getChecked(body, request, field = "origin.body") {
      const cached = recall(checked, body);
      if (cached) return cached;
      const document = cache.get(request.query, field);
      checkOriginCost(builtIn, document, request, field);
      remember(checked, body, document, maxEntries);
      return document;
    },
    get size() {
      return entries.size;
    },
  };
  return cache;
}

function recall(entries: Map<string, DocumentNode>, key: string): DocumentNode | undefined {
  const cached = entries.get(key);
  if (cached) {
    // Re-inserting moves the entry to the end of the Map's order: the most recently used.
    entries.delete(key);
    entries.set(key, cached);
  }
  return cached;
}

function remember(entries: Map<string, DocumentNode>, key: string, document: DocumentNode, maxEntries: number): void {
  entries.set(key, document);
  if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
}

/** GraphQL's own rules, the API's limits, and the origin's read-only view of the schema. */
function parseValidated(builtIn: BuiltInTypes, query: string, field: string): DocumentNode {
  const document = parseOriginQuery(query, field, builtIn.limits);
  const rules = [...specifiedRules, ...builtIn.limits.rules, originScopeRule];
  const errors = validate(builtIn.schema, document, rules, { maxErrors: QUOTED_ERRORS + 1 });
  if (errors.length > 0) {
    throw new InputError(field, errors.slice(0, QUOTED_ERRORS).map((error) => error.message).join(" "));
  }
  return document;
}
