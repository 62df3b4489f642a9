// The GraphQL documents and answer shapes the group pages share, as schema/webhook-group.graphql
// spells them.

import type { DeliveryStatus, HookType } from "../../api/enums.js";

export { type HookType, hookTypes, isOperationalHookType, sourceHookTypes } from "../../api/enums.js";
export const httpMethods = ["POST", "PUT", "PATCH"] as const;
export type HttpMethod = (typeof httpMethods)[number];
export type BodyFormat = "JSON" | "FORM";
export type SignatureScheme = "HMAC_SHA256" | "ED25519";

export const isOrderHook = (type: HookType) => type.startsWith("ORDER_");

export interface Hook {
  id: string;
  type: HookType;
  method: HttpMethod;
  endpoint: string;
  origin: { method: HttpMethod; endpoint: string | null; body: string } | null;
  condition: unknown;
  bodyFormat: BodyFormat;
}

export interface WebhookGroup {
  id: string;
  name: string;
  description: string | null;
  eventId: string | null;
  eventGuideId: string | null;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  hooks: Hook[];
  authentication: {
    grantType: string;
    endpoint: string;
    clientId: string;
    scope: string | null;
    headerFormat: string;
    headerValueFormat: string;
    hasClientSecret: boolean;
  } | null;
  includeData: boolean;
  headerNames: string[];
  hasSecretKey: boolean;
  previousSigningSecretExpiresAt: string | null;
  ordered: boolean;
  maxRequestsPerSecond: number | null;
  signature: SignatureScheme;
  signingPublicKey: string | null;
}

const groupFields = /* GraphQL */ `
  id name description eventId eventGuideId enabled disabledAt disabledReason createdAt
  hooks { id type method endpoint origin { method endpoint body } condition bodyFormat }
  authentication { grantType endpoint clientId scope headerFormat headerValueFormat hasClientSecret }
  includeData headerNames hasSecretKey previousSigningSecretExpiresAt ordered maxRequestsPerSecond
  signature signingPublicKey
`;

export const groupQuery = /* GraphQL */ `
  query ConsoleGroup($id: ID!) { webhookGroup(id: $id) { ${groupFields} } }
`;

export interface GroupRow {
  id: string;
  name: string;
  eventId: string | null;
  eventGuideId: string | null;
  enabled: boolean;
  hooks: Array<{ type: HookType }>;
  deliveries: { edges: Array<{ node: { status: DeliveryStatus; createdAt: string } }> };
}

export const groupsPageQuery = /* GraphQL */ `
  query ConsoleGroups($first: Int!, $after: String) {
    webhookGroups(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name eventId eventGuideId enabled hooks { type } deliveries(first: 1) { edges { node { status createdAt } } } } }
    }
  }
`;

export interface CreatedGroup {
  signingSecret: string;
  webhookGroup: { id: string; name: string };
}

export const createGroupMutation = /* GraphQL */ `
  mutation ConsoleCreateGroup($input: CreateWebhookGroupInput!) {
    createWebhookGroup(input: $input) { signingSecret webhookGroup { id name } }
  }
`;

export const replaceGroupMutation = /* GraphQL */ `
  mutation ConsoleReplaceGroup($id: ID!, $input: CreateWebhookGroupInput!) {
    replaceWebhookGroup(id: $id, input: $input) { signingSecret webhookGroup { id name } }
  }
`;

export const setEnabledMutation = /* GraphQL */ `
  mutation ConsoleSetGroupEnabled($id: ID!, $enabled: Boolean!) {
    setWebhookGroupEnabled(id: $id, enabled: $enabled) { id }
  }
`;

export const rotateMutation = /* GraphQL */ `
  mutation ConsoleRotateSigningSecret($groupId: ID!) { rotateSigningSecret(groupId: $groupId) }
`;

export const deleteMutation = /* GraphQL */ `
  mutation ConsoleDeleteGroup($id: ID!) { deleteWebhookGroup(id: $id) }
`;
