import { createWebhookGroup } from "../../webhook-groups/create-webhook-group.js";
import { rotateSigningSecret, setWebhookGroupEnabled } from "../../webhook-groups/group-state.js";
import { replaceWebhookGroup } from "../../webhook-groups/replace-webhook-group.js";
import { isUuid } from "../../store/ids.js";
import { pageRequest } from "../../store/pagination.js";
import { deleteWebhookGroup, findWebhookGroup, pageWebhookGroups } from "../../store/webhook-group.repository.js";
import { authorOf, reachOf, requireAdmin, requireReader } from "../access.js";
import { toConnection } from "../connection.js";
import type { Authentication, Resolvers } from "../generated/resolvers.js";
import type { WebhookGroupRow } from "../../store/tables.js";

// Secrets (signing secret, OAuth client secret) are only ever returned by the create and
// replace payloads; no resolver here reads an *_encrypted column.
export const webhookGroupResolvers: Resolvers = {
  Query: {
    webhookGroup: async (_, { id }, context) => {
      const caller = requireReader(context);
      if (!isUuid(id)) return null;
      return (await findWebhookGroup(context.services.db, caller.organizationId, id, reachOf(caller))) ?? null;
    },
    webhookGroups: async (_, args, context) => {
      const caller = requireReader(context);
      return toConnection(await pageWebhookGroups(context.services.db, caller.organizationId, pageRequest(args), reachOf(caller)));
    },
  },
  WebhookGroup: {
    eventId: (row) => row.event_id,
    eventGuideId: (row) => row.event_guide_id,
    createdAt: (row) => row.created_at,
    hooks: (row, _, { loaders }) => loaders.hooksOfGroup.load(row.id),
    authentication: authenticationOf,
    disabledAt: (row) => (row.enabled ? null : row.disabled_at),
    disabledReason: (row) => (row.enabled ? null : row.disabled_reason),
    includeData: (row) => row.include_data,
    headerNames: (row) => row.header_names,
    hasSecretKey: (row) => row.jwt_secret_encrypted !== null,
    previousSigningSecretExpiresAt: (row) =>
      row.previous_signing_secret_expires_at && row.previous_signing_secret_expires_at > new Date()
        ? row.previous_signing_secret_expires_at
        : null,
    maxRequestsPerSecond: (row) => row.max_requests_per_second,
    signature: (row) => row.signature,
    // Public by design: it verifies, it cannot sign. The whsk_ secret key is never read here.
    signingPublicKey: (row) => row.signing_public_key,
  },
  Hook: {
    origin: (row) => (row.origin_body === null ? null : row),
    condition: (row) => row.condition ?? null,
    bodyFormat: (row) => row.body_format,
  },
  Origin: {
    method: (row) => row.origin_method ?? "POST",
    endpoint: (row) => row.origin_endpoint,
    body: (row) => row.origin_body ?? "",
  },
  Mutation: {
    createWebhookGroup: async (_, { input }, context) => {
      const caller = requireAdmin(context);
      const { group, signingSecret } = await createWebhookGroup(context.services, caller.organizationId, input, authorOf(caller));
      return { webhookGroup: group, signingSecret };
    },
    replaceWebhookGroup: async (_, { id, input }, context) => {
      const caller = requireAdmin(context);
      const { group, signingSecret } = await replaceWebhookGroup(context.services, caller.organizationId, id, input, authorOf(caller));
      return { webhookGroup: group, signingSecret };
    },
    setWebhookGroupEnabled: (_, { id, enabled }, context) => {
      const caller = requireAdmin(context);
      return setWebhookGroupEnabled(context.services, caller.organizationId, id, enabled, reachOf(caller));
    },
    rotateSigningSecret: (_, { groupId }, context) => {
      const caller = requireAdmin(context);
      return rotateSigningSecret(context.services, caller.organizationId, groupId, reachOf(caller));
    },
    // True whatever happened: the answer must not reveal whether an id exists (doo's rule).
    deleteWebhookGroup: async (_, { id }, context) => {
      const caller = requireAdmin(context);
      if (isUuid(id)) await deleteWebhookGroup(context.services.db, caller.organizationId, id, reachOf(caller));
      return true;
    },
  },
};

/** The group's OAuth settings as the API shows them: the client secret only as `hasClientSecret`. */
function authenticationOf(row: WebhookGroupRow): Authentication | null {
  // A check constraint keeps these columns all set or all null, scope aside.
  if (row.auth_grant_type === null || row.auth_endpoint === null || row.auth_client_id === null) return null;
  return {
    grantType: row.auth_grant_type,
    endpoint: row.auth_endpoint,
    clientId: row.auth_client_id,
    scope: row.auth_scope,
    headerFormat: row.auth_header_format ?? "Authorization",
    headerValueFormat: row.auth_header_value_format ?? "Bearer %ACCESS_TOKEN%",
    hasClientSecret: row.auth_client_secret_encrypted !== null,
  };
}
