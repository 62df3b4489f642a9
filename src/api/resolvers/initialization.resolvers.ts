import { initializeWebhookGroup } from "../../initialization/initialize-webhook-group.js";
import { isUuid } from "../../store/ids.js";
import { findInitialization, type InitializationProgress, initializationProgress } from "../../store/initialization.repository.js";
import type { InitializationRow } from "../../store/tables.js";
import type { RequestContext } from "../context.js";
import { reachOf, requireAdmin, requireReader } from "../access.js";
import type { Resolvers } from "../generated/resolvers.js";

// delivered, failed and finishedAt come from one count over the initialization's deliveries,
// made once per initialization and request whichever of them are asked for.
const progressOf = (row: InitializationRow, context: RequestContext): Promise<InitializationProgress> => {
  let byRow = progress.get(context);
  if (!byRow) progress.set(context, (byRow = new Map()));
  let found = byRow.get(row.id);
  if (!found) byRow.set(row.id, (found = initializationProgress(context.services.db, row)));
  return found;
};
const progress = new WeakMap<RequestContext, Map<string, Promise<InitializationProgress>>>();

export const initializationResolvers: Resolvers = {
  Query: {
    initialization: async (_, { id }, context) => {
      const caller = requireReader(context);
      if (!isUuid(id)) return null;
      return (await findInitialization(context.services.db, caller.organizationId, id.toLowerCase(), reachOf(caller))) ?? null;
    },
  },
  Mutation: {
    initializeWebhookGroup: (_, { groupId, input }, context) => {
      const caller = requireAdmin(context);
      return initializeWebhookGroup(context.services, caller.organizationId, groupId, input, reachOf(caller));
    },
  },
  Initialization: {
    webhookGroupId: (row) => row.webhook_group_id,
    delivered: async (row, _, context) => (await progressOf(row, context)).delivered,
    failed: async (row, _, context) => (await progressOf(row, context)).failed,
    finishedAt: async (row, _, context) => (await progressOf(row, context)).finishedAt,
    createdAt: (row) => row.created_at,
  },
};
