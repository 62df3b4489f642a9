import type { TestApp } from "./test-app.js";

/** Inputs shaped like the doo seed's configuration objects, in the GraphQL API's spelling. */
export const seedOriginBodies = {
  eventShort: JSON.stringify({
    operationName: "EventShort",
    variables: { id: "%EVENT_ID%" },
    query: "query EventShort($id: ID!) {\n event(id: $id) {\n title\n }\n}\n",
  }),
  orderShort: JSON.stringify({
    operationName: "OrderShort",
    variables: { id: "%ORDER_ID%" },
    query: "query OrderShort($id: ID!) {\n  order(id: $id) {\n    hash\n  }\n}\n",
  }),
  anonymousEvent: JSON.stringify({
    operationName: null,
    variables: { eventId: "%EVENT_ID%" },
    query: "query ($eventId: ID!) { event(id: $eventId) { id title }}",
  }),
  eventDates: JSON.stringify({
    variables: { id: "%EVENT_ID%" },
    query: "query EventShort($id: ID!){\n  event(id: $id) {\n    title,\n    startDate,\n    endDate\n  }\n}",
  }),
};

export const clientSecret = "super-strong-secret-7f3a9c";

export function groupInput(overrides: Record<string, unknown> = {}) {
  return {
    name: "My Test Webhook",
    description: "Webhook for testing all the hook types",
    hooks: [
      { type: "EVENT_CREATED", endpoint: "https://partner.example/hooks", origin: { body: seedOriginBodies.eventShort } },
      { type: "ORDER_CREATED", method: "PUT", endpoint: "https://partner.example/orders", origin: { body: seedOriginBodies.orderShort } },
      { type: "ORDER_CANCELLED", endpoint: "https://partner.example/orders" },
    ],
    authentication: {
      endpoint: "https://partner.example/oauth/token",
      credentials: { clientId: "doo", clientSecret },
      scope: "webhooks",
    },
    ...overrides,
  };
}

export const groupFields = `
  id name description eventId eventGuideId enabled createdAt
  hooks { id type method endpoint origin { method endpoint body } }
  authentication { grantType endpoint clientId scope headerFormat headerValueFormat hasClientSecret }
`;

export const createGroupMutation = `
  mutation ($input: CreateWebhookGroupInput!) {
    createWebhookGroup(input: $input) { signingSecret webhookGroup { ${groupFields} } }
  }`;

export async function createGroup(app: TestApp, input: Record<string, unknown> = groupInput(), key = app.adminKey) {
  const result = await app.graphql(createGroupMutation, { input }, { key });
  if (!result.data?.createWebhookGroup) throw new Error(`createWebhookGroup failed: ${JSON.stringify(result.errors)}`);
  return result.data.createWebhookGroup as { signingSecret: string; webhookGroup: Record<string, any> };
}

export async function createEvent(app: TestApp, input: Record<string, unknown> = {}, key = app.adminKey) {
  const result = await app.graphql(
    `mutation ($input: CreateEventInput!) { createEvent(input: $input) { id title status eventGuide { id } } }`,
    { input: { title: "Summer Fest", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z", ...input } },
    { key },
  );
  if (!result.data?.createEvent) throw new Error(`createEvent failed: ${JSON.stringify(result.errors)}`);
  return result.data.createEvent as { id: string; title: string };
}

export async function createEventGuide(app: TestApp, name = "Festival guide", key = app.adminKey) {
  const result = await app.graphql(
    `mutation ($name: String!) { createEventGuide(input: { name: $name }) { id name } }`,
    { name },
    { key },
  );
  if (!result.data?.createEventGuide) throw new Error(`createEventGuide failed: ${JSON.stringify(result.errors)}`);
  return result.data.createEventGuide as { id: string; name: string };
}

export async function createOrder(app: TestApp, eventId: string, key = app.adminKey) {
  const result = await app.graphql(
    `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id hash status total currency } }`,
    { input: { eventId, total: 42.5, currency: "EUR" } },
    { key },
  );
  if (!result.data?.createOrder) throw new Error(`createOrder failed: ${JSON.stringify(result.errors)}`);
  return result.data.createOrder as { id: string; hash: string };
}

export const publishEventMutation = `mutation ($input: PublishEventInput!) {
  publishEvent(input: $input) { publicationId deliveryCount duplicate } }`;

export interface Publication {
  publicationId: string;
  deliveryCount: number;
  duplicate: boolean;
}

/** publishEvent, as an external platform calls it; fails the test if it is refused. */
export async function publishEvent(app: TestApp, input: Record<string, unknown>, key = app.adminKey): Promise<Publication> {
  const result = await app.graphql(publishEventMutation, { input }, { key });
  if (result.errors || !result.data?.publishEvent) throw new Error(`publishEvent failed: ${JSON.stringify(result.errors)}`);
  return result.data.publishEvent as Publication;
}

export const createApiKeyMutation = `mutation ($role: ApiKeyRole!, $mode: ApiKeyMode, $groupIds: [ID!]) {
  createApiKey(role: $role, mode: $mode, groupIds: $groupIds) { id apiKey role mode groupIds } }`;

/**
 * A new API key of `role` in the organization whose admin key is `key`; LIVE and for every group
 * unless `reach` says otherwise.
 */
export async function createApiKey(
  app: TestApp,
  role: "ADMIN" | "VIEWER",
  key = app.adminKey,
  reach: { mode?: "LIVE" | "SANDBOX"; groupIds?: string[] } = {},
) {
  const result = await app.graphql(createApiKeyMutation, { role, ...reach }, { key });
  if (result.errors || !result.data?.createApiKey) throw new Error(`createApiKey failed: ${JSON.stringify(result.errors)}`);
  return result.data.createApiKey as { id: string; apiKey: string; role: string; mode: string; groupIds: string[] | null };
}

/** A VIEWER key's secret, for checking what reading may do and writing may not. */
export async function createViewerKey(app: TestApp, key = app.adminKey): Promise<string> {
  return (await createApiKey(app, "VIEWER", key)).apiKey;
}
