import { getNamedType, getNullableType, isLeafType, isListType, Kind, type FieldNode } from "graphql";
import type { ComplexityEstimator } from "graphql-query-complexity";
import { defaultPageSize, maxPageSize } from "../store/pagination.js";

/**
 * How many objects a field could return, for graphql-query-complexity (which adds siblings up and
 * follows fragments): a connection multiplies what is asked below it by its page size, a plain
 * list by the default page size, an object counts one. Scalars cost nothing of their own.
 */
export const objectsEstimator: ComplexityEstimator = ({ field, type, node, args, childComplexity }) => {
  // Introspection reads the schema, not the data; the playground's own query must pass.
  if (field.name.startsWith("__")) return 0;
  const named = getNamedType(field.type);
  if (isLeafType(named)) return 0;
  // Even `{ totalCount }` alone reads the page's rows.
  if (named.name.endsWith("Connection")) return pageSize(node, args.first, "first") * Math.max(1, childComplexity);
  // A connection's edges and pageInfo are the page counted on the connection itself.
  if (type.name.endsWith("Connection")) return childComplexity;
  // A list with `last` (a delivery's attempts) holds at most that many.
  const listed = "last" in args ? pageSize(node, args.last, "last") : defaultPageSize;
  return (isListType(getNullableType(field.type)) ? listed : 1) * (1 + childComplexity);
};

/**
 * `first` as the resolver will use it. A larger page than the maximum is refused when it runs, so
 * it can cost no more than the maximum; a variable left out takes the schema's default, and
 * where no value is known at all the largest page is assumed.
 */
function pageSize(node: FieldNode, first: unknown, argument: "first" | "last"): number {
  if (typeof first === "number") return Math.min(Math.max(1, first), maxPageSize);
  const written = node.arguments?.find((given) => given.name.value === argument);
  return written && written.value.kind !== Kind.NULL ? maxPageSize : defaultPageSize;
}
