import { execute, type GraphQLSchema } from "graphql";
import type { BuiltInSchema } from "../origin/built-in-schema.js";
import type { Services } from "../services.js";
import { createRequestContext } from "./context.js";
import { createSourceLoaders } from "./loaders.js";
import { createQueryLimits } from "./query-limits.js";
import { buildSchema } from "./schema.js";

/**
 * The API's schema, offered to the origin layer: origin queries are validated with the API's
 * limits and run through the API's resolvers, as a VIEWER of the organization they are run for.
 * `services` is read at execution time: the schema is built before the Services that hold it.
 * Services rebound to another database may share an existing `schema` (its resolvers keep no
 * state, and a schema already used has its types' field maps resolved).
 * The executions running at one moment (a worker's batch of deliveries) share their source
 * lookups: twenty origin queries asking for twenty events cost one statement.
 */
export function createBuiltInSchema(services: () => Services, schema: GraphQLSchema = buildSchema()): BuiltInSchema {
  const source = createSourceLoaders(() => services().db, { shared: true });
  return {
    schema,
    limits: createQueryLimits(schema),
    execute: async ({ organizationId, document, variables, operationName, signal }) =>
      execute({
        schema,
        document,
        variableValues: variables,
        operationName: operationName ?? undefined,
        contextValue: createRequestContext(services(), {
          // Read-only and organization-wide, as before modes and limited keys existed.
          caller: { organizationId, role: "VIEWER", apiKeyId: "origin", mode: "LIVE", limitedToGroups: false },
          operator: false,
          rejected: false,
        }, source, signal),
      }),
  };
}
