import { sql } from "kysely";
import { eventually } from "./eventually.js";
import { createEvent, groupFields } from "./fixtures.js";
import type { Receiver } from "./receiver.js";
import type { GraphqlResult, TestApp } from "./test-app.js";

// Shared by the webhook-group end-to-end files: the group as the API shows it with its
// integrator options and state, and the few reads these files make over and over.

export const fullGroupFields = `
  ${groupFields}
  enabled disabledAt disabledReason includeData headerNames hasSecretKey previousSigningSecretExpiresAt
`;

export interface Group {
  id: string;
  name: string;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  includeData: boolean;
  headerNames: string[];
  hasSecretKey: boolean;
  previousSigningSecretExpiresAt: string | null;
  hooks: Array<{ id: string; type: string; method: string; endpoint: string }>;
  [field: string]: unknown;
}

export const createMutation = `
  mutation ($input: CreateWebhookGroupInput!) {
    createWebhookGroup(input: $input) { signingSecret webhookGroup { ${fullGroupFields} } }
  }`;

/** A group without authentication whose hooks all post default payloads to `receiver` under `path`. */
export function receiverGroupInput(
  receiver: Receiver,
  path: string,
  types: string[] = ["ORDER_CREATED"],
  overrides: Record<string, unknown> = {},
) {
  return {
    name: `group ${path}`,
    hooks: types.map((type) => ({ type, endpoint: `${receiver.url}${path}` })),
    ...overrides,
  };
}

export async function createFullGroup(app: TestApp, input: Record<string, unknown>, key = app.adminKey) {
  const result = await app.graphql(createMutation, { input }, { key });
  if (!result.data?.createWebhookGroup) throw new Error(`createWebhookGroup failed: ${JSON.stringify(result.errors)}`);
  return result.data.createWebhookGroup as { signingSecret: string; webhookGroup: Group };
}

export async function readGroup(app: TestApp, id: string, key = app.adminKey): Promise<Group | null> {
  const result = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { ${fullGroupFields} } }`, { id }, { key });
  if (result.errors) throw new Error(`webhookGroup failed: ${JSON.stringify(result.errors)}`);
  return (result.data?.webhookGroup as Group | null) ?? null;
}

export function setEnabled(app: TestApp, id: string, enabled: boolean, key = app.adminKey): Promise<GraphqlResult> {
  return app.graphql(
    `mutation ($id: ID!, $enabled: Boolean!) { setWebhookGroupEnabled(id: $id, enabled: $enabled) { ${fullGroupFields} } }`,
    { id, enabled },
    { key },
  );
}

/** How many deliveries the group has, as `deliveries(filter: { groupId })` counts them. */
export async function deliveryCount(app: TestApp, groupId: string, key = app.adminKey): Promise<number> {
  const result = await app.graphql(
    `query ($filter: DeliveryFilter) { deliveries(filter: $filter, first: 1) { totalCount } }`,
    { filter: { groupId } },
    { key },
  );
  if (result.errors) throw new Error(`deliveries failed: ${JSON.stringify(result.errors)}`);
  return result.data!.deliveries.totalCount as number;
}

/** Every row hookgate keeps about groups, hooks, deliveries and attempts, as one text. */
export async function databaseText(app: TestApp): Promise<string> {
  const { rows } = await sql<{ text: string }>`
    select concat_ws(E'\n',
      (select coalesce(json_agg(g), '[]')::text from webhook_groups g),
      (select coalesce(json_agg(h), '[]')::text from hooks h),
      (select coalesce(json_agg(d), '[]')::text from deliveries d),
      (select coalesce(json_agg(a), '[]')::text from delivery_attempts a)) as text`.execute(app.db);
  return rows[0]!.text;
}

/** Groups and hooks, whole, so "nothing written" compares every row. */
export async function groupsSnapshot(app: TestApp): Promise<string> {
  const { rows } = await sql<{ groups: unknown; hooks: unknown }>`
    select (select coalesce(json_agg(g order by id), '[]') from webhook_groups g) as groups,
           (select coalesce(json_agg(h order by id), '[]') from hooks h) as hooks`.execute(app.db);
  return JSON.stringify(rows[0]);
}

/** The responses (indexes) of this app that contain `text` as sent or JSON-escaped. */
export function responsesContaining(app: TestApp, text: string): number[] {
  const escaped = JSON.stringify(text).slice(1, -1);
  return app.responses.flatMap((body, index) => (body.includes(text) || body.includes(escaped) ? [index] : []));
}

/** Requests the receiver got on `path`. */
export function requestsTo(receiver: Receiver, path: string) {
  return receiver.requests.filter((request) => request.path === path);
}

/** Waits until the receiver has `count` requests on `path`, and answers them all. */
export function waitForPath(receiver: Receiver, path: string, count = 1, timeoutMs = 20_000) {
  return eventually(() => requestsTo(receiver, path), (found) => found.length >= count, {
    timeoutMs,
    what: `${count} requests to ${path}`,
  });
}

/**
 * A group whose hooks post to `receiver` under `path`, scoped to an event of its own: no other
 * test's change ever reaches it, so its deliveries are exactly the ones the test makes.
 */
export async function createScopedGroup(
  app: TestApp,
  receiver: Receiver,
  path: string,
  types: string[] = ["ORDER_CREATED"],
  overrides: Record<string, unknown> = {},
) {
  const event = await createEvent(app, { title: `Event for ${path}` });
  const created = await createFullGroup(app, receiverGroupInput(receiver, path, types, { eventId: event.id, ...overrides }));
  return { ...created, eventId: event.id, group: created.webhookGroup };
}

/** Headers as a plain object for verifyWebhook (IncomingHttpHeaders may hold arrays). */
export function plainHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]])),
  );
}
