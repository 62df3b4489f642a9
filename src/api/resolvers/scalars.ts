import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import type { Resolvers } from "../generated/resolvers.js";

export const scalarResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
};
