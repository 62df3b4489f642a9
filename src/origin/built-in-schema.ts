import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema, ValidationRule } from "graphql";

/**
 * The built-in schema as origin queries see it. The API owns it (schema, resolvers, limits); the
 * entry point hands it down, so the delivery engine runs origin queries through this interface
 * rather than by reaching up into the API.
 */
export interface BuiltInSchema {
  readonly schema: GraphQLSchema;
  /** The API's own limits on what one query may cost: an origin query may cost no more. */
  readonly limits: QueryLimits;
  /**
   * Runs a validated document read-only, as a reader of `organizationId` would. Once `signal`
   * aborts, the execution starts no further database statement.
   */
  execute(query: BuiltInQuery): Promise<ExecutionResult>;
}

export interface BuiltInQuery {
  readonly organizationId: string;
  readonly document: DocumentNode;
  readonly variables: Record<string, unknown>;
  readonly operationName: string | null;
  readonly signal?: AbortSignal;
}

/** What one query may cost, checked before it runs: while parsing, validating, and once its variables are known. */
export interface QueryLimits {
  /** For graphql's `parse`: a document of more tokens is refused while it is still being read. */
  readonly parseOptions: { readonly maxTokens: number };
  /** graphql's `parse` with `parseOptions`; its refusal of a document too long is in clear words. */
  parse(source: string): DocumentNode;
  /** Validation rules that need no variables: depth, aliases, directives (through fragments). */
  readonly rules: readonly ValidationRule[];
  /**
   * Why the operation, with these variables, could return too many objects; null when it could not
   * (or when the variables are wrong: execution refuses those before it reads anything).
   */
  costError(document: DocumentNode, variables: Record<string, unknown>, operationName: string | null): GraphQLError | null;
}

/** What validating an origin query needs of the built-in schema. */
export type BuiltInTypes = Pick<BuiltInSchema, "schema" | "limits">;
