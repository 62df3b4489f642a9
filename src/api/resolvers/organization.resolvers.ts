import { createOrganization, issueApiKey, revokeOrganizationKey } from "../../organizations/organizations.js";
import { listApiKeys } from "../../store/api-key.repository.js";
import { findOrganization } from "../../store/organization.repository.js";
import { requireAdmin, requireOperator, requireReader } from "../access.js";
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
    apiKeys: (caller, _, { services }) =>
      caller.role === "ADMIN" ? listApiKeys(services.db, caller.organizationId) : [],
  },
  ApiKey: {
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
    createApiKey: async (_, { role }, context) => {
      const caller = requireAdmin(context);
      const { row, key } = await issueApiKey(context.services.db, caller.organizationId, role);
      return { id: row.id, apiKey: key, role: row.role };
    },
    revokeApiKey: async (_, { id }, context) => {
      const caller = requireAdmin(context);
      return revokeOrganizationKey(context.services.db, caller.organizationId, id);
    },
  },
};
