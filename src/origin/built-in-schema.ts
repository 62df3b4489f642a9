import type { DocumentNode, ExecutionResult, GraphQLSchema, ValidationRule } from "graphql";

/**
 * The built-in schema as origin queries see it. The API owns it (schema, resolvers, limits); the
 * entry point hands it down, so the delivery engine runs origin queries through this interface
 * rather than by reaching up into the API.
 */
export interface BuiltInSchema {
  readonly schema: GraphQLSchema;
  /** The API's own limits on what one query may cost: an origin query may cost no more. */
  readonly rules: readonly ValidationRule[];
  /** Runs a validated document read-only, as a reader of `organizationId` would. */
  execute(query: BuiltInQuery): Promise<ExecutionResult>;
}

export interface BuiltInQuery {
  readonly organizationId: string;
  readonly document: DocumentNode;
  readonly variables: Record<string, unknown>;
  readonly operationName: string | null;
}

/** What validating an origin query needs of the built-in schema. */
export type BuiltInTypes = Pick<BuiltInSchema, "schema" | "rules">;
