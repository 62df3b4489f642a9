import http from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../support/expect-error.js";
import { createEvent, createGroup, createGroupMutation, groupInput, publishEventMutation } from "../support/fixtures.js";
import { tableCounts } from "../support/table-counts.js";
import { type GraphqlResult, useTestApp } from "../support/test-app.js";

// The default body limit (1 MiB): 100,000 levels of nesting fit in 600 KB.
const app = useTestApp();

const sendTestDeliveryMutation = `mutation ($groupId: ID!, $payload: JSON) {
  sendTestDelivery(groupId: $groupId, hookType: ORDER_CANCELLED, payload: $payload) { id } }`;
const createEventMutation = `mutation ($input: CreateEventInput!) { createEvent(input: $input) { id title } }`;
const eventInput = (title: string) => ({ title, startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" });

/** JSON text nested `depth` objects deep: JSON.stringify itself cannot write 100,000 levels. */
const nestedJson = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const nested = (depth: number) => JSON.parse(nestedJson(depth)) as unknown;

/** A GraphQL request whose variables are given as JSON text, sent as it is. */
async function graphqlText(query: string, variablesJson: string): Promise<GraphqlResult & { text: string }> {
  const response = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": app.adminKey },
    body: `{"query":${JSON.stringify(query)},"variables":${variablesJson}}`,
  });
  const text = await response.text();
  app.responses.push(text);
  return { status: response.status, text, ...(JSON.parse(text) as object) };
}

/** `request` is refused and every table keeps its rows. */
async function writesNothing<T>(request: () => Promise<T>): Promise<T> {
  const before = await tableCounts(app.db);
  const result = await request();
  expect(await tableCounts(app.db)).toEqual(before);
  return result;
}

let eventId = "";
let groupId = "";

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
  groupId = (await createGroup(app)).webhookGroup.id;
});

describe("deeply nested JSON", () => {
  it("100,000 levels in publishEvent.data or sendTestDelivery.payload are refused naming the field, not an internal error", async () => {
    const published = await writesNothing(() =>
      graphqlText(publishEventMutation, `{"input":{"type":"EVENT_UPDATED","eventId":"${eventId}","data":${nestedJson(100_000)}}}`),
    );
    expect(published.status).toBe(400);
    expectError(published, "BAD_USER_INPUT", "input.data");
    expect(published.errors?.[0]?.message).toBe('Variable "$input" got an invalid value at "input.data"; JSON nested more than 64 levels deep');

    const tested = await writesNothing(() => graphqlText(sendTestDeliveryMutation, `{"groupId":"${groupId}","payload":${nestedJson(100_000)}}`));
    expectError(tested, "BAD_USER_INPUT", "payload");
    expect(tested.errors?.[0]?.message).toMatch(/JSON nested more than 64 levels deep$/);
  });

  it("written as a literal in the query, too", async () => {
    // 100 levels: within the query's 1,000 tokens (a deeper literal is refused while parsing).
    const literal = `mutation { publishEvent(input: { type: EVENT_UPDATED, eventId: "${eventId}", data: ${"{a:".repeat(100)}1${"}".repeat(100)} }) { deliveryCount } }`;
    const result = await writesNothing(() => app.graphql(literal));
    expectError(result, "BAD_USER_INPUT", "input.data");
    expect(result.errors?.[0]?.message).toBe("input.data: JSON nested more than 64 levels deep");
  });

  it("64 levels are accepted, 65 refused", async () => {
    const accepted = await app.graphql(sendTestDeliveryMutation, { groupId, payload: nested(64) });
    expect(accepted.errors).toBeUndefined();
    const refused = await writesNothing(() => app.graphql(sendTestDeliveryMutation, { groupId, payload: nested(65) }));
    expectError(refused, "BAD_USER_INPUT", "payload");
  });
});

describe("a value of the wrong type is never echoed", () => {
  const secretNumber = 98765432123;

  it("a client secret sent as a number in a variable: the error names the field and the expected type, not the value", async () => {
    const input = groupInput();
    (input.authentication as { credentials: Record<string, unknown> }).credentials.clientSecret = secretNumber;
    const result = await writesNothing(() => app.graphql(createGroupMutation, { input }));
    expect(result.status).toBe(400);
    expectError(result, "BAD_USER_INPUT", "input.authentication.credentials.clientSecret");
    expect(result.errors?.[0]?.message).toBe(
      'Variable "$input" got an invalid value at "input.authentication.credentials.clientSecret"; expected String!, got a number',
    );
    expect(app.responses.at(-1)).not.toContain(String(secretNumber));
  });

  it("the same as a literal in the query", async () => {
    const literal = `mutation { createWebhookGroup(input: { name: "x", hooks: [{ type: EVENT_CREATED, endpoint: "https://partner.example/x" }],
      authentication: { endpoint: "https://partner.example/t", credentials: { clientId: "doo", clientSecret: ${secretNumber} } } }) { signingSecret } }`;
    const result = await writesNothing(() => app.graphql(literal));
    expectError(result, "BAD_USER_INPUT", "input.authentication.credentials.clientSecret");
    expect(result.errors?.[0]?.message).toBe("input.authentication.credentials.clientSecret: expected String!, got a number");
    expect(app.responses.at(-1)).not.toContain(String(secretNumber));
  });

  // Every refusal below carries a value only the request had; none may come back.
  const refusals: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
    ["a DateTime that is not one", createEventMutation, { input: { ...eventInput("x"), startDate: "secret-date-4711" } }, "input.startDate", /expected DateTime!; the string given is not a valid DateTime/],
    ["an unknown enum value", publishEventMutation, { input: { type: "SECRET_TYPE_4711" } }, "input.type", /expected HookType!, one of EVENT_CREATED, .*; got a string/],
    ["an object for a string", createEventMutation, { input: eventInput({ secret: "secret-object-4711" } as never) }, "input.title", /expected String!, got an object/],
    ["a list for a string", createEventMutation, { input: eventInput(["secret-list-4711"] as never) }, "input.title", /expected String!, got a list/],
    ["a string for a number", `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, { input: { eventId: "x", total: "secret-total-4711", currency: "EUR" } }, "input.total", /expected Float!; the string given is not a valid Float|expected Float!, got a string/],
  ];
  it.each(refusals)("%s", async (_, query, variables, field, words) => {
    const result = await writesNothing(() => app.graphql(query, variables));
    expectError(result, "BAD_USER_INPUT", field);
    expect(result.errors?.[0]?.message).toMatch(words);
    expect(app.responses.at(-1)).not.toMatch(/secret-\w+-4711|SECRET_TYPE_4711/);
  });
});

describe("text PostgreSQL cannot store as sent is refused everywhere alike", () => {
  const problem = "must not contain NUL (\\u0000) or unpaired surrogate characters";

  it.each([
    ["a lone surrogate in createEvent's title", createEventMutation, { input: eventInput("Summer \ud800 Fest") }, "input.title"],
    ["NUL in createEvent's title", createEventMutation, { input: eventInput("Summer \u0000 Fest") }, "input.title"],
    ["a lone surrogate in a group's name", createGroupMutation, { input: groupInput({ name: "Partner \udc00" }) }, "input.name"],
    ["a lone surrogate in a hook endpoint", createGroupMutation, { input: groupInput({ hooks: [{ type: "EVENT_CREATED", endpoint: "https://partner.example/\ud83d" }] }) }, "input.hooks[0].endpoint"],
    ["a lone surrogate in a JSON key of publishEvent.data", publishEventMutation, { input: { type: "EVENT_UPDATED", eventId: "", data: { nested: { "\ud800": 1 } } } }, "input.data.nested"],
  ])("%s", async (_, query, variables, field) => {
    const vars = JSON.parse(JSON.stringify(variables).replace('"eventId":""', `"eventId":"${eventId}"`)) as Record<string, unknown>;
    const result = await writesNothing(() => app.graphql(query, vars));
    expect(result.status).toBe(400);
    expectError(result, "BAD_USER_INPUT", field);
    expect(result.errors?.[0]?.message).toBe(`${field}: ${problem}`);
  });

  it("a well-formed pair of surrogates (an emoji) is stored as sent", async () => {
    const created = await app.graphql(createEventMutation, { input: eventInput("Summer 🎉 Fest") });
    expect(created.data?.createEvent.title).toBe("Summer 🎉 Fest");
  });
});

describe("an oversized body sent chunked (no Content-Length)", () => {
  /** Posts `body` in 16 KiB chunks through node:http, which then sends no Content-Length. */
  function postChunked(path: string, body: string): Promise<{ status: number; text: string; chunked: boolean }> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${app.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": app.adminKey },
      });
      request.on("response", (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text, chunked: request.getHeader("content-length") === undefined }));
      });
      request.on("error", reject);
      for (let at = 0; at < body.length; at += 16 * 1024) request.write(body.slice(at, at + 16 * 1024));
      request.end();
    });
  }

  it("is answered 413 with the same message as with a Content-Length, on /graphql and /v1, not a reset connection", async () => {
    const big = JSON.stringify({ query: createGroupMutation, variables: { input: groupInput({ description: "d".repeat(2 * 1024 * 1024) }) } });
    const graphql = await writesNothing(() => postChunked("/graphql", big));
    expect(graphql.chunked).toBe(true);
    expect(graphql.status).toBe(413);
    expect(JSON.parse(graphql.text)).toEqual({
      errors: [{ message: "the request body is larger than 1048576 bytes (HOOKGATE_MAX_REQUEST_BYTES)", extensions: { code: "BAD_USER_INPUT" } }],
    });
    const rest = await writesNothing(() => postChunked(`/v1/team/${app.defaultOrganizationId}/webhooks`, JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) })));
    expect(rest.status).toBe(413);
    expect(JSON.parse(rest.text)).toMatchObject({ response_status: 413, code: "BAD_USER_INPUT", developer_message: "the request body is larger than 1048576 bytes (HOOKGATE_MAX_REQUEST_BYTES)" });
    // The connection was answered, not broken: the server still answers the next request.
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});
