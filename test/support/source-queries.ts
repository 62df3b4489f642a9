import { expect } from "vitest";
import type { TestApp } from "./test-app.js";

// Queries and checks shared by the built-in source's test files.

export const eventFields = `id title description startDate endDate status createdAt updatedAt removedAt
  eventGuide { id name } organization { id name }`;
export const orderFields = `id hash status total currency createdAt updatedAt cancelledAt removedAt event { id title }`;

export const eventQuery = `query ($id: ID!) { event(id: $id) { ${eventFields} } }`;
export const orderQuery = `query ($id: ID!) { order(id: $id) { ${orderFields} } }`;
export const createEventMutation = `mutation ($input: CreateEventInput!) { createEvent(input: $input) { ${eventFields} } }`;
export const updateEventMutation = `mutation ($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { ${eventFields} } }`;
export const removeEventMutation = `mutation ($id: ID!) { removeEvent(id: $id) { ${eventFields} } }`;
export const createOrderMutation = `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { ${orderFields} } }`;
export const updateOrderMutation = `mutation ($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { ${orderFields} } }`;
export const cancelOrderMutation = `mutation ($id: ID!) { cancelOrder(id: $id) { ${orderFields} } }`;
export const removeOrderMutation = `mutation ($id: ID!) { removeOrder(id: $id) { ${orderFields} } }`;
export const createGuideMutation = `mutation ($input: CreateEventGuideInput!) { createEventGuide(input: $input) { id name createdAt } }`;

export const eventInput = (overrides: Record<string, unknown> = {}) => ({
  title: "Summer Fest",
  description: "Open air, three stages",
  startDate: "2027-06-01T18:00:00Z",
  endDate: "2027-06-02T02:00:00Z",
  ...overrides,
});

export const unknownId = "7d0c3a5e-0000-4000-8000-000000000000";

export async function countRows(app: TestApp) {
  const count = async (table: "events" | "orders" | "event_guides") =>
    Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  return { events: await count("events"), orders: await count("orders"), eventGuides: await count("event_guides") };
}

/** Runs `attempt` and checks that no event, order or guide was written by it. */
export async function writesNothing<T>(app: TestApp, attempt: () => Promise<T>): Promise<T> {
  const before = await countRows(app);
  const result = await attempt();
  expect(await countRows(app)).toEqual(before);
  return result;
}

/** A doo origin body sent as it is, placeholders substituted in `variables` only. */
export async function runOriginBody(app: TestApp, body: string, ids: { eventId?: string; orderId?: string }) {
  const request = JSON.parse(body) as { query: string; variables?: Record<string, unknown>; operationName?: string | null };
  const variables = JSON.parse(
    JSON.stringify(request.variables ?? {})
      .replaceAll("%EVENT_ID%", ids.eventId ?? "")
      .replaceAll("%ORDER_ID%", ids.orderId ?? ""),
  );
  const response = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": app.adminKey },
    body: JSON.stringify({ query: request.query, variables, operationName: request.operationName }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data?: unknown; errors?: unknown };
}
