import { execute } from "graphql";
import type { BuiltInSchema } from "../origin/built-in-schema.js";
import type { Services } from "../services.js";
import { createRequestContext } from "./context.js";
import { queryLimitRule } from "./query-limits.js";
import { buildSchema } from "./schema.js";

/**
 * The API's schema, offered to the origin layer: origin queries are validated with the API's
 * limits and run through the API's resolvers, as a VIEWER of the organization they are run for.
 * `services` is read at execution time: the schema is built before the Services that hold it.
 */
export function createBuiltInSchema(services: () => Services): BuiltInSchema {
  const schema = buildSchema();
  return {
    schema,
    rules: [queryLimitRule()],
    execute: async ({ organizationId, document, variables, operationName }) =>
      execute({
        schema,
        document,
        variableValues: variables,
        operationName: operationName ?? undefined,
        contextValue: createRequestContext(services(), {
          caller: { organizationId, role: "VIEWER", apiKeyId: "origin" },
          operator: false,
          rejected: false,
        }),
      }),
  };
}
