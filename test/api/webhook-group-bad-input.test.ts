import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../support/expect-error.js";
import { createEvent, createEventGuide, createGroupMutation, createViewerKey, groupInput, seedOriginBodies } from "../support/fixtures.js";
import { groupsSnapshot } from "../support/group-helpers.js";
import { useTestApp } from "../support/test-app.js";

const app = useTestApp();

const snapshot = () => groupsSnapshot(app);

function hook(overrides: Record<string, unknown> = {}) {
  return { type: "EVENT_CREATED", endpoint: "https://partner.example/hooks", ...overrides };
}

function originHook(body: string, overrides: Record<string, unknown> = {}) {
  return hook({ origin: { body, ...overrides } });
}

function withAuthentication(overrides: Record<string, unknown>) {
  const base = groupInput().authentication;
  return groupInput({ authentication: { ...base, ...overrides } });
}

const query = (text: string) => JSON.stringify({ query: text, variables: { id: "%EVENT_ID%" } });

/** A valid origin request, one byte over 64 KiB (padded with a comment, which GraphQL ignores). */
const oversizedOriginBody = (() => {
  const base = query("query ($id: ID!) { event(id: $id) { title } }\n#");
  // Each "x" adds one byte to the JSON text; the closing `"}` of the request is kept.
  return JSON.stringify({ query: "query ($id: ID!) { event(id: $id) { title } }\n#" + "x".repeat(64 * 1024 + 1 - Buffer.byteLength(base)), variables: { id: "%EVENT_ID%" } });
})();

let foreignEventId = "";
let foreignGuideId = "";

beforeAll(async () => {
  const other = await app.createOrganization("Other organization");
  foreignEventId = (await createEvent(app, {}, other.adminKey)).id;
  foreignGuideId = (await createEventGuide(app, "Other guide", other.adminKey)).id;
  // One group exists, so "unchanged" compares against real rows, not an empty table.
  await app.graphql(createGroupMutation, { input: groupInput() });
});

// [what is wrong, input, field named, words the message must contain]
const refusals: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
  ["an empty name", () => groupInput({ name: "   " }), "input.name", /empty/],
  ["an over-long name", () => groupInput({ name: "n".repeat(201) }), "input.name", /200/],
  ["a description over 2000 characters", () => groupInput({ description: "d".repeat(2001) }), "input.description", /2000/],
  ["no hooks", () => groupInput({ hooks: [] }), "input.hooks", /at least one/],
  ["51 hooks", () => groupInput({ hooks: Array.from({ length: 51 }, () => hook()) }), "input.hooks", /at most 50/],
  ["an ftp endpoint", () => groupInput({ hooks: [hook({ endpoint: "ftp://partner.example/x" })] }), "input.hooks[0].endpoint", /http/],
  ["a javascript: endpoint", () => groupInput({ hooks: [hook({ endpoint: "javascript:alert(1)" })] }), "input.hooks[0].endpoint", /http/],
  ["a relative endpoint", () => groupInput({ hooks: [hook({ endpoint: "/hooks" })] }), "input.hooks[0].endpoint", /absolute/],
  ["an endpoint with user:password", () => groupInput({ hooks: [hook(), hook({ endpoint: "https://user:pw@partner.example/x" })] }), "input.hooks[1].endpoint", /password|credentials/],
  ["both eventId and eventGuideId", () => groupInput({ eventId: foreignEventId, eventGuideId: foreignGuideId }), "input.eventGuideId", /not both/],
  ["an unknown eventId", () => groupInput({ eventId: "0b6c1f4e-5d7a-4a8e-9c1e-2f3a4b5c6d7e" }), "input.eventId", /no event/],
  ["another organization's eventId", () => groupInput({ eventId: foreignEventId }), "input.eventId", /no event/],
  ["an unknown eventGuideId", () => groupInput({ eventGuideId: "0b6c1f4e-5d7a-4a8e-9c1e-2f3a4b5c6d7e" }), "input.eventGuideId", /no event guide/],
  ["another organization's eventGuideId", () => groupInput({ eventGuideId: foreignGuideId }), "input.eventGuideId", /no event guide/],
  ["an origin body that is not JSON", () => groupInput({ hooks: [originHook("query { event }")] }), "input.hooks[0].origin.body", /JSON/],
  ["an origin body without query", () => groupInput({ hooks: [originHook(JSON.stringify({ variables: {} }))] }), "input.hooks[0].origin.body", /query/],
  ["an origin query that does not parse", () => groupInput({ hooks: [originHook(query("query ($id: ID!) { event(id: $id) { title }"))] }), "input.hooks[0].origin.body", /Syntax Error/],
  ["an origin query that does not validate", () => groupInput({ hooks: [originHook(query("query ($id: ID!) { event(id: $id) { colour } }"))] }), "input.hooks[0].origin.body", /Cannot query field "colour" on type "Event"/],
  ["an origin mutation", () => groupInput({ hooks: [originHook(query("mutation ($id: ID!) { removeEvent(id: $id) { id } }"))] }), "input.hooks[0].origin.body", /read|query/],
  ["an unknown placeholder", () => groupInput({ hooks: [originHook(seedOriginBodies.eventShort.replace("%EVENT_ID%", "%EVENT_NAME%"))] }), "input.hooks[0].origin.body", /%EVENT_NAME%/],
  ["%ORDER_ID% in an event hook", () => groupInput({ hooks: [originHook(seedOriginBodies.orderShort)] }), "input.hooks[0].origin.body", /%ORDER_ID%/],
  ["an origin body over 64 KiB", () => groupInput({ hooks: [originHook(oversizedOriginBody)] }), "input.hooks[0].origin.body", /64 KiB/],
  ["an origin endpoint not allowed", () => groupInput({ hooks: [originHook(seedOriginBodies.eventShort, { endpoint: "https://gql.elsewhere.example/graphql" })] }), "input.hooks[0].origin.endpoint", /not allowed/],
  ["an authentication endpoint that is not http(s)", () => withAuthentication({ endpoint: "file:///etc/passwd" }), "input.authentication.endpoint", /http/],
  ["a reserved headerFormat: content-type", () => withAuthentication({ headerFormat: "content-type" }), "input.authentication.headerFormat", /content-type.*choose another header/],
  ["a reserved headerFormat: Webhook-Signature", () => withAuthentication({ headerFormat: "Webhook-Signature" }), "input.authentication.headerFormat", /Webhook-Signature.*choose another header/],
  ["a headerValueFormat without %ACCESS_TOKEN%", () => withAuthentication({ headerValueFormat: "Bearer token" }), "input.authentication.headerValueFormat", /%ACCESS_TOKEN%/],
];

describe("createWebhookGroup refuses bad input, naming the field, and writes nothing", () => {
  it.each(refusals)("%s", async (_, input, field, words) => {
    const before = await snapshot();
    const result = await app.graphql(createGroupMutation, { input: input() });
    expectError(result, "BAD_USER_INPUT", field);
    expect(result.errors?.[0]?.message.startsWith(`${field}: `)).toBe(true);
    expect(result.errors?.[0]?.message).toMatch(words);
    expect(await snapshot()).toBe(before);
  });

  it("a grant type other than client credentials", async () => {
    const before = await snapshot();
    const result = await app.graphql(createGroupMutation, { input: withAuthentication({ grantType: "PASSWORD" }) });
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toMatch(/authentication\.grantType/);
    expect(await snapshot()).toBe(before);
  });

  // Refused by GraphQL's variable coercion, before hookgate's own checks; the server lifts the
  // path out of graphql-js's message into extensions.field, the same shape as its own errors.
  it("an unknown hook type", async () => {
    const before = await snapshot();
    const result = await app.graphql(createGroupMutation, { input: groupInput({ hooks: [hook({ type: "EVENT_EXPLODED" })] }) });
    expectError(result, "BAD_USER_INPUT", "input.hooks[0].type");
    expect(result.errors?.[0]?.message).toMatch(/hooks\[0\]\.type/);
    expect(result.errors?.[0]?.message).toMatch(/HookType/);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ["an unknown signature scheme", () => groupInput({ signature: "RSA_PSS" }), "input.signature", /SignatureScheme/],
    ["a signature scheme in lower case", () => groupInput({ signature: "ed25519" }), "input.signature", /SignatureScheme/],
    ["an unknown body format", () => groupInput({ hooks: [hook(), hook({ bodyFormat: "XML" })] }), "input.hooks[1].bodyFormat", /BodyFormat/],
    ["a body format that is not a string", () => groupInput({ hooks: [hook({ bodyFormat: 1 })] }), "input.hooks[0].bodyFormat", /BodyFormat/],
  ] as const)("%s", async (_, input, field, words) => {
    const before = await snapshot();
    const result = await app.graphql(createGroupMutation, { input: input() });
    expectError(result, "BAD_USER_INPUT", field);
    expect(result.errors?.[0]?.message).toMatch(words);
    expect(await snapshot()).toBe(before);
  });

  it("an oversized request is refused with 413 before it is read whole", async () => {
    const before = await snapshot();
    const response = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": app.adminKey },
      body: JSON.stringify({ query: createGroupMutation, variables: { input: groupInput({ description: "d".repeat(2 * 1024 * 1024) }) } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(body.errors[0]?.message).toMatch(/larger than 1048576 bytes/);
    expect(await snapshot()).toBe(before);
  });

  it("no key answers UNAUTHENTICATED, a wrong key too, and a viewer key FORBIDDEN", async () => {
    const before = await snapshot();
    const viewerKey = await createViewerKey(app);
    const noKey = await app.graphql(createGroupMutation, { input: groupInput() }, {});
    const wrongKey = await app.graphql(createGroupMutation, { input: groupInput() }, { key: "hg_" + "x".repeat(43) });
    const asViewer = await app.graphql(createGroupMutation, { input: groupInput() }, { key: viewerKey });
    expect(noKey.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(wrongKey.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(asViewer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await snapshot()).toBe(before);
  });
});
