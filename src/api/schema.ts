import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { deliveryResolvers } from "./resolvers/delivery.resolvers.js";
import { initializationResolvers } from "./resolvers/initialization.resolvers.js";
import { organizationResolvers } from "./resolvers/organization.resolvers.js";
import { scalarResolvers } from "./resolvers/scalars.js";
import { sourceResolvers } from "./resolvers/source.resolvers.js";
import { webhookGroupResolvers } from "./resolvers/webhook-group.resolvers.js";

const schemaFolder = fileURLToPath(new URL("../../schema/", import.meta.url));

/** The SDL files of schema/, one per area, in a stable order. */
export function readTypeDefs(): string[] {
  return readdirSync(schemaFolder)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .map((file) => readFileSync(schemaFolder + file, "utf8"));
}

/** The one schema: the API integrators call, and the built-in source origin queries run on. */
export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: readTypeDefs(),
    resolvers: [scalarResolvers, organizationResolvers, sourceResolvers, webhookGroupResolvers, deliveryResolvers, initializationResolvers],
  });
}
