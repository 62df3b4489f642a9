import { useQuery } from "@tanstack/react-query";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { graphql } from "../../api/graphql.js";

/**
 * hookgate's schema, introspected from /graphql. Origins on the built-in schema run against the
 * very API the console calls, so this is the schema an origin query is completed and checked with.
 */
export function useApiSchema() {
  return useQuery({
    queryKey: ["api-schema"],
    staleTime: Infinity,
    queryFn: async () => buildClientSchema(await graphql<IntrospectionQuery>(getIntrospectionQuery())),
  });
}
