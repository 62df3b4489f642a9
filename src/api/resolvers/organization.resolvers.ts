import { createOrganization, issueApiKey, revokeOrganizationKey } from "../../organizations/organizations.js";
import { listApiKeys } from "../../store/api-key.repository.js";
import { findOrganization } from "../../store/organization.repository.js";
import { requireOperator, requireOrganizationAdmin, requireReader } from "../access.js";
import type { Resolvers } from "../generated/resolvers.js";

export const organizationResolvers: Resolvers = {
  Query: {
    viewer: (_, __, context) => requireReader(context),
  },
  Viewer: {
    organization: async (caller, _, { services }) => {
      const organization = await findOrganization(services.db, caller.organizationId);
      if (!organization) throw new Error(`organization ${caller.organizationId} of a live API key is missing`);
      return organization;
    },
    role: (caller) => caller.role,
    apiKeyId: (caller) => caller.apiKeyId,
    mode: (caller) => caller.mode,
    groupIds: (caller, _, { loaders }) => (caller.limitedToGroups ? loaders.groupIdsOfKey.load(caller.apiKeyId) : null),
    // Only the keys that manage keys see them.
    apiKeys: (caller, _, { services }) =>
      caller.role === "ADMIN" && caller.mode === "LIVE" && !caller.limitedToGroups ? listApiKeys(services.db, caller.organizationId) : [],
  },
  ApiKey: {
    groupIds: (row, _, { loaders }) => (row.limited_to_groups ? loaders.groupIdsOfKey.load(row.id) : null),
    prefix: (row) => row.key_prefix,
    createdAt: (row) => row.created_at,
    lastUsedAt: (row) => row.last_used_at,
    revokedAt: (row) => row.revoked_at,
  },
  Organization: {
    createdAt: (row) => row.created_at,
  },
  Mutation: {
    createOrganization: async (_, { name }, context) => {
      requireOperator(context);
      const { organization, apiKey } = await createOrganization(context.services.db, name);
      return { organization, apiKey: apiKey.key };
    },
    createApiKey: async (_, { role, mode, groupIds }, context) => {
      const caller = requireOrganizationAdmin(context);
      const { row, key } = await issueApiKey(context.services.db, caller.organizationId, role, { mode, groupIds });
      const limitedTo = row.limited_to_groups ? await context.loaders.groupIdsOfKey.load(row.id) : null;
      return { id: row.id, apiKey: key, role: row.role, mode: row.mode, groupIds: limitedTo };
    },
    revokeApiKey: async (_, { id }, context) => {
      const caller = requireOrganizationAdmin(context);
      return revokeOrganizationKey(context.services.db, caller.organizationId, id);
    },
  },
};
