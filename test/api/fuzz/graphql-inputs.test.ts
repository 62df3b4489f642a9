import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createEvent, createGroup, createGroupMutation, groupInput, publishEventMutation } from "../../support/fixtures.js";
import { tableCounts } from "../../support/table-counts.js";
import { useTestApp } from "../../support/test-app.js";
import { fuzzSeed, hostileJson, hostileString, hostileValue, pathsOf, withValueAt } from "./hostile-values.js";

const app = useTestApp();

const createEventMutation = `mutation ($input: CreateEventInput!) { createEvent(input: $input) { id title description } }`;
const createOrderMutation = `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id total currency } }`;
const sendTestDeliveryMutation = `mutation ($groupId: ID!, $hookType: HookType!, $payload: JSON) {
  sendTestDelivery(groupId: $groupId, hookType: $hookType, payload: $payload) { id } }`;

let eventId = "";
let groupId = "";

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
  groupId = (await createGroup(app)).webhookGroup.id;
});

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function send(query: string, variables: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": app.adminKey },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  app.responses.push(text);
  return { status: response.status, text, body: JSON.parse(text) as Answer["body"] };
}

/**
 * The properties every request must keep, whatever it carries: an answer that is JSON, never a
 * 5xx or an INTERNAL_SERVER_ERROR; and when it is refused, every table as it was and none of
 * the strings it was refused for in the answer.
 */
async function holds(query: string, variables: Record<string, unknown>, injected: unknown): Promise<void> {
  const before = await tableCounts(app.db);
  const answer = await send(query, variables);
  expect(answer.status, answer.text).toBeLessThan(500);
  const codes = (answer.body.errors ?? []).map((error) => error.extensions?.code);
  expect(codes, answer.text).not.toContain("INTERNAL_SERVER_ERROR");
  if (answer.body.errors === undefined) return;
  expect(Object.values(answer.body.data ?? {}).every((value) => value === null), answer.text).toBe(true);
  expect(await tableCounts(app.db), answer.text).toEqual(before);
  const messages = answer.body.errors.map((error) => error.message).join("\n");
  for (const text of stringsIn(injected)) expect(messages, "a refused value came back").not.toContain(text);
}

/** The strings of a value long enough that finding one in a message cannot be chance. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return value.trim().length >= 12 && !/^[\w.:/ -]*$/.test(value) ? [value] : [];
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).slice(0, 50).flatMap((item) => (typeof item === "string" ? stringsIn(item) : []));
}

const run = { seed: fuzzSeed, numRuns: 60, endOnFailure: true } as const;

/** A valid input with one place (any depth) set to a hostile value, or deleted. */
function oneHostilePlace(valid: () => Record<string, unknown>) {
  const paths = pathsOf(valid());
  return fc.tuple(fc.constantFrom(...paths), fc.option(hostileValue, { nil: undefined, freq: 8 })).map(([path, value]) => ({
    input: withValueAt(valid(), path, value),
    value,
  }));
}

describe("fuzzing GraphQL inputs: no internal error, and a refusal writes nothing", () => {
  it("createWebhookGroup", async () => {
    await fc.assert(
      fc.asyncProperty(oneHostilePlace(() => groupInput()), async ({ input, value }) => holds(createGroupMutation, { input }, value)),
      run,
    );
  });

  it("createEvent and createOrder", async () => {
    const event = () => ({ title: "Summer Fest", description: "Open air", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" });
    const order = () => ({ eventId, total: 42.5, currency: "EUR" });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          oneHostilePlace(event).map((generated) => ({ ...generated, query: createEventMutation })),
          oneHostilePlace(order).map((generated) => ({ ...generated, query: createOrderMutation })),
        ),
        async ({ input, value, query }) => holds(query, { input }, value),
      ),
      run,
    );
  });

  it("publishEvent", async () => {
    const valid = () => ({ type: "EVENT_UPDATED", eventId, data: { note: "valid" }, idempotencyKey: "key-1" });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          oneHostilePlace(valid),
          fc.tuple(hostileJson, hostileString).map(([data, key]) => ({ input: { type: "EVENT_UPDATED", eventId, data, idempotencyKey: key }, value: key })),
        ),
        async ({ input, value }) => holds(publishEventMutation, { input }, value),
      ),
      run,
    );
  });

  it("sendTestDelivery", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          groupId: fc.oneof({ weight: 4, arbitrary: fc.constant("group") }, { weight: 1, arbitrary: hostileValue }),
          hookType: fc.oneof({ weight: 4, arbitrary: fc.constant("ORDER_CANCELLED") }, { weight: 1, arbitrary: hostileValue }),
          payload: hostileJson,
        }),
        async (variables) => {
          const sent = { ...variables, groupId: variables.groupId === "group" ? groupId : variables.groupId };
          await holds(sendTestDeliveryMutation, sent, [variables.groupId, variables.hookType]);
        },
      ),
      run,
    );
  });

  it("strings written as literals in the query text", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (title) => {
        // GraphQL strings escape as JSON does; a lone surrogate becomes an escape GraphQL refuses.
        const query = `mutation { createEvent(input: { title: ${JSON.stringify(title)}, startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`;
        await holds(query, {}, title);
      }),
      run,
    );
  });

  it("the counted tables are the real ones", async () => {
    expect(Object.keys(await tableCounts(app.db))).toEqual(expect.arrayContaining(["public.webhook_groups", "public.deliveries", "graphile_worker._private_jobs"]));
  });
});
