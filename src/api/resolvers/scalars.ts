import { GraphQLScalarType } from "graphql";
import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import type { Resolvers } from "../generated/resolvers.js";
import { jsonDeeperThan, literalDeeperThan, maxJsonDepth } from "../input/json-depth.js";
import { ScalarRefusal } from "../input/scalar-refusal.js";

const tooDeep = `JSON nested more than ${maxJsonDepth} levels deep`;

/**
 * graphql-scalars' JSON, with its nesting bounded where GraphQL input becomes a value: deeper
 * JSON is refused here, naming the field, before anything recursive (the literal's own parse,
 * JSON.stringify, jsonb) can overflow the stack on it.
 */
const BoundedJSON = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  parseValue(value) {
    if (jsonDeeperThan(value, maxJsonDepth)) throw new ScalarRefusal(tooDeep);
    return JSONResolver.parseValue(value);
  },
  parseLiteral(node, variables) {
    if (literalDeeperThan(node, maxJsonDepth)) throw new ScalarRefusal(tooDeep, { nodes: node });
    const value: unknown = JSONResolver.parseLiteral(node, variables);
    // A variable inside the literal adds its own nesting.
    if (jsonDeeperThan(value, maxJsonDepth)) throw new ScalarRefusal(tooDeep, { nodes: node });
    return value;
  },
});

export const scalarResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: BoundedJSON,
};
