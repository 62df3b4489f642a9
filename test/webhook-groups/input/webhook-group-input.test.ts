import { describe, expect, it } from "vitest";
import { builtInTypes } from "../../support/built-in-types.js";
import { inputErrorOf } from "../../support/input-error.js";
import { parseWebhookGroupInput, type CreateWebhookGroupInput } from "../../../src/webhook-groups/input/webhook-group-input.js";
import { InputError } from "../../../src/errors.js";

const builtIn = builtInTypes();
const originPolicy = { builtInGraphqlUrl: "https://hooks.example.com/graphql", allowlist: ["https://api.partner.example/graphql"] };
const options = { builtInSchema: builtIn, originPolicy };

const EVENT_ID = "7C9E6679-7425-40DE-944B-E07FC1F90AE7";
const EVENT_BODY =
  '{"operationName":"EventShort","variables":{"id":"%EVENT_ID%"},"query":"query EventShort($id: ID!) {\\n event(id: $id) {\\n title\\n }\\n}\\n"}';
const ORDER_BODY =
  '{"operationName":"OrderShort","variables":{"id":"%ORDER_ID%"},"query":"query OrderShort($id: ID!) {\\n  order(id: $id) {\\n    hash\\n  }\\n}\\n"}';
const UNNAMED_BODY = '{"operationName":null,"variables":{"eventId":"%EVENT_ID%"},"query":"query ($eventId: ID!) { event(id: $eventId) { id title }}"}';

// Tests reach past the GraphQL types on purpose: the REST layer hands over whatever it was sent.
type Loose = { [key: string]: any };

function validInput(): Loose {
  return {
    name: "  Partner sync  ",
    hooks: [
      { type: "EVENT_CREATED", endpoint: "https://partner.example/hooks/events", origin: { body: EVENT_BODY } },
      { type: "ORDER_CREATED", method: "PUT", endpoint: "https://partner.example/hooks/orders", origin: { body: ORDER_BODY } },
    ],
    authentication: {
      endpoint: "https://auth.partner.example/oauth/token",
      credentials: { clientId: "client-1", clientSecret: "s3cret" },
    },
  };
}

function parse(input: Loose) {
  return parseWebhookGroupInput(input as CreateWebhookGroupInput, options);
}

function refusal(change: (input: Loose) => void): InputError {
  const input = validInput();
  change(input);
  return inputErrorOf(() => parse(input));
}

describe("parseWebhookGroupInput", () => {
  it("normalizes a valid group and fills the schema's defaults", () => {
    expect(parse(validInput())).toEqual({
      name: "Partner sync",
      description: null,
      eventId: null,
      eventGuideId: null,
      hooks: [
        { type: "EVENT_CREATED", method: "POST", endpoint: "https://partner.example/hooks/events", origin: { method: "POST", endpoint: null, target: "BUILT_IN", body: EVENT_BODY }, condition: null, bodyFormat: "JSON" },
        { type: "ORDER_CREATED", method: "PUT", endpoint: "https://partner.example/hooks/orders", origin: { method: "POST", endpoint: null, target: "BUILT_IN", body: ORDER_BODY }, condition: null, bodyFormat: "JSON" },
      ],
      authentication: {
        grantType: "CLIENT_CREDENTIALS",
        endpoint: "https://auth.partner.example/oauth/token",
        clientId: "client-1",
        clientSecret: "s3cret",
        scope: null,
        headerFormat: "Authorization",
        headerValueFormat: "Bearer %ACCESS_TOKEN%",
      },
      headers: [],
      secretKey: null,
      includeData: false,
      ordered: false,
      maxRequestsPerSecond: null,
      signature: "HMAC_SHA256",
    });
  });

  it("keeps a FORM body format per hook and an ED25519 signature scheme", () => {
    const input = validInput();
    input.hooks[1].bodyFormat = "FORM";
    input.hooks[0].bodyFormat = null;
    input.signature = "ED25519";
    const draft = parse(input);
    expect(draft.hooks.map((hook) => hook.bodyFormat)).toEqual(["JSON", "FORM"]);
    expect(draft.signature).toBe("ED25519");
  });

  it("accepts explicit nulls as absent, a scope, and scopes to one event (id lower-cased)", () => {
    const input = validInput();
    Object.assign(input, { description: "  ", eventId: EVENT_ID, eventGuideId: null });
    Object.assign(input.authentication, { grantType: null, scope: " read ", headerFormat: null, headerValueFormat: null });
    input.hooks[0].origin = { method: null, endpoint: null, body: UNNAMED_BODY };
    const draft = parse(input);
    expect(draft).toMatchObject({ description: null, eventId: EVENT_ID.toLowerCase(), eventGuideId: null });
    expect(draft.authentication).toMatchObject({ scope: "read", headerFormat: "Authorization", headerValueFormat: "Bearer %ACCESS_TOKEN%" });
    expect(draft.hooks[0]!.origin).toEqual({ method: "POST", endpoint: null, target: "BUILT_IN", body: UNNAMED_BODY });
  });

  it("accepts a group without origin or authentication, and fifty hooks", () => {
    const input = validInput();
    input.hooks = Array.from({ length: 50 }, () => ({ type: "ORDER_CANCELLED", endpoint: "http://partner.example/h" }));
    delete input.authentication;
    const draft = parse(input);
    expect(draft.hooks).toHaveLength(50);
    expect(draft.hooks[49]).toEqual({ type: "ORDER_CANCELLED", method: "POST", endpoint: "http://partner.example/h", origin: null, condition: null, bodyFormat: "JSON" });
    expect(draft.authentication).toBeNull();
  });

  it("runs an origin naming this instance's /graphql on the built-in schema", () => {
    const input = validInput();
    input.hooks[0].origin.endpoint = "https://hooks.example.com/graphql/";
    expect(parse(input).hooks[0]!.origin).toMatchObject({ endpoint: "https://hooks.example.com/graphql", target: "BUILT_IN" });
    input.hooks[0].origin.body = JSON.stringify({ query: '{ event(id: "%EVENT_ID%") { nope } }' });
    expect(() => parse(input)).toThrow('input.hooks[0].origin.body: Cannot query field "nope" on type "Event".');
  });

  it("keeps an allow-listed remote origin and checks only its syntax and kind", () => {
    const input = validInput();
    input.hooks[0].origin = { endpoint: "https://api.partner.example/graphql", body: JSON.stringify({ query: '{ theirs(id: "%EVENT_ID%") { x } }' }) };
    expect(parse(input).hooks[0]!.origin).toMatchObject({ endpoint: "https://api.partner.example/graphql" });
    input.hooks[0].origin.body = JSON.stringify({ query: "mutation { wipe }" });
    expect(() => parse(input)).toThrow("input.hooks[0].origin.body: mutation refused: origin queries may only read");
  });

  it.each<[string, (input: Loose) => void, string, string]>([
    ["an empty name", (i) => (i.name = "   "), "input.name", "must not be empty"],
    ["a name over 200 characters", (i) => (i.name = "n".repeat(201)), "input.name", "must be at most 200 characters"],
    ["a name with NUL", (i) => (i.name = "a\u0000b"), "input.name", "must not contain NUL characters"],
    ["a name with a control character", (i) => (i.name = "a\nb"), "input.name", "must not contain control characters"],
    ["a name that is not a string", (i) => (i.name = 7), "input.name", "must be a string"],
    ["a description over 2000 characters", (i) => (i.description = "d".repeat(2001)), "input.description", "must be at most 2000 characters"],
    ["a description with NUL", (i) => (i.description = "a\u0000"), "input.description", "must not contain NUL characters"],
    ["both eventId and eventGuideId", (i) => Object.assign(i, { eventId: EVENT_ID, eventGuideId: EVENT_ID }), "input.eventGuideId", "give eventId or eventGuideId, not both"],
    ["an eventId that is not a UUID", (i) => (i.eventId = "42"), "input.eventId", "no event with that id in your organization"],
    ["an eventGuideId that is not a UUID", (i) => (i.eventGuideId = "x"), "input.eventGuideId", "no event guide with that id in your organization"],
    ["no hooks", (i) => (i.hooks = []), "input.hooks", "give at least one hook"],
    ["hooks that are not a list", (i) => (i.hooks = {}), "input.hooks", "give at least one hook"],
    ["51 hooks", (i) => (i.hooks = Array.from({ length: 51 }, () => i.hooks[0])), "input.hooks", "at most 50 hooks per group"],
    ["an unknown hook type", (i) => (i.hooks[1].type = "ORDER_EXPLODED"), "input.hooks[1].type", "must be one of EVENT_CREATED"],
    ["an unknown body format", (i) => (i.hooks[1].bodyFormat = "XML"), "input.hooks[1].bodyFormat", "must be one of JSON, FORM"],
    ["a body format in lower case", (i) => (i.hooks[0].bodyFormat = "form"), "input.hooks[0].bodyFormat", "must be one of JSON, FORM"],
    ["an unknown signature scheme", (i) => (i.signature = "RSA"), "input.signature", "must be one of HMAC_SHA256, ED25519"],
    ["a signature scheme that is not a string", (i) => (i.signature = true), "input.signature", "must be one of HMAC_SHA256, ED25519"],
    ["a GET hook", (i) => (i.hooks[1].method = "GET"), "input.hooks[1].method", "must be one of POST, PUT, PATCH"],
    ["an ftp hook endpoint", (i) => (i.hooks[1].endpoint = "ftp://partner.example/x"), "input.hooks[1].endpoint", "must use http or https, not ftp:"],
    ["a relative hook endpoint", (i) => (i.hooks[0].endpoint = "/hooks"), "input.hooks[0].endpoint", "must be an absolute http(s) URL"],
    ["an origin method outside the enum", (i) => (i.hooks[0].origin.method = "DELETE"), "input.hooks[0].origin.method", "must be one of POST, PUT, PATCH"],
    ["an origin body that is not JSON", (i) => (i.hooks[1].origin.body = "query { x }"), "input.hooks[1].origin.body", "is not valid JSON"],
    ["an empty origin body", (i) => (i.hooks[1].origin.body = ""), "input.hooks[1].origin.body", "must not be empty"],
    ["an origin body over 64 KiB", (i) => (i.hooks[0].origin.body = JSON.stringify({ query: `{ viewer { role } } #${"x".repeat(65536)}` })), "input.hooks[0].origin.body", "must be at most 64 KiB"],
    ["an unknown placeholder", (i) => (i.hooks[0].origin.body = EVENT_BODY.replace("%EVENT_ID%", "%FOO%")), "input.hooks[0].origin.body", "unknown placeholder %FOO%; known: %EVENT_ID%"],
    ["%ORDER_ID% in an event hook", (i) => (i.hooks[0].origin.body = ORDER_BODY), "input.hooks[0].origin.body", "%ORDER_ID% has no value in an EVENT_CREATED hook"],
    ["%ORDER_ID% spelled with JSON escapes", (i) => (i.hooks[0].origin.body = EVENT_BODY.replace("%EVENT_ID%", "\\u0025ORDER_ID\\u0025")), "input.hooks[0].origin.body", "%ORDER_ID% has no value"],
    ["a mutation origin", (i) => (i.hooks[1].origin.body = JSON.stringify({ query: 'mutation { cancelOrder(id: "%ORDER_ID%") { id } }' })), "input.hooks[1].origin.body", "mutation refused: origin queries may only read"],
    ["an origin query with a syntax error", (i) => (i.hooks[0].origin.body = JSON.stringify({ query: "query { event(id: 1) { } }" })), "input.hooks[0].origin.body", 'Syntax Error: Expected Name, found "}".'],
    ["an origin missing a required variable", (i) => (i.hooks[0].origin.body = JSON.stringify({ query: "query ($id: ID!) { event(id: $id) { id } }" })), "input.hooks[0].origin.body", "variable $id is required"],
    ["an origin endpoint not allow-listed", (i) => (i.hooks[0].origin.endpoint = "https://evil.example/graphql"), "input.hooks[0].origin.endpoint", "origin endpoint https://evil.example/graphql is not allowed"],
    ["another grant type", (i) => (i.authentication.grantType = "PASSWORD"), "input.authentication.grantType", "must be CLIENT_CREDENTIALS"],
    ["a javascript: token endpoint", (i) => (i.authentication.endpoint = "javascript:alert(1)"), "input.authentication.endpoint", "must use http or https"],
    ["no credentials", (i) => delete i.authentication.credentials, "input.authentication.credentials", "must be an object"],
    ["an empty clientId", (i) => (i.authentication.credentials.clientId = ""), "input.authentication.credentials.clientId", "must not be empty"],
    ["a clientId over 500 characters", (i) => (i.authentication.credentials.clientId = "c".repeat(501)), "input.authentication.credentials.clientId", "must be at most 500 characters"],
    ["a clientId with a control character", (i) => (i.authentication.credentials.clientId = "c\t1"), "input.authentication.credentials.clientId", "must not contain control characters"],
    ["an empty clientSecret", (i) => (i.authentication.credentials.clientSecret = ""), "input.authentication.credentials.clientSecret", "must not be empty"],
    ["a clientSecret over 2000 characters", (i) => (i.authentication.credentials.clientSecret = "s".repeat(2001)), "input.authentication.credentials.clientSecret", "must be at most 2000 characters"],
    ["a clientSecret with NUL", (i) => (i.authentication.credentials.clientSecret = "s\u0000"), "input.authentication.credentials.clientSecret", "must not contain NUL characters"],
    ["a scope over 1000 characters", (i) => (i.authentication.scope = "s".repeat(1001)), "input.authentication.scope", "must be at most 1000 characters"],
    ["a header name with a space", (i) => (i.authentication.headerFormat = "X Token"), "input.authentication.headerFormat", "must be an HTTP header name"],
    ["a header name with a colon", (i) => (i.authentication.headerFormat = "X-Token:"), "input.authentication.headerFormat", "must be an HTTP header name"],
    ["an empty header name", (i) => (i.authentication.headerFormat = ""), "input.authentication.headerFormat", "must not be empty"],
    ["a header name over 100 characters", (i) => (i.authentication.headerFormat = "X".repeat(101)), "input.authentication.headerFormat", "must be an HTTP header name"],
    ["Host as the header", (i) => (i.authentication.headerFormat = "Host"), "input.authentication.headerFormat", "Host is set by hookgate or the HTTP layer"],
    ["content-length as the header", (i) => (i.authentication.headerFormat = "content-length"), "input.authentication.headerFormat", "content-length is set by hookgate"],
    ["Content-Type as the header", (i) => (i.authentication.headerFormat = "Content-Type"), "input.authentication.headerFormat", "Content-Type is set by hookgate"],
    ["Transfer-Encoding as the header", (i) => (i.authentication.headerFormat = "Transfer-Encoding"), "input.authentication.headerFormat", "Transfer-Encoding is set by hookgate"],
    ["Connection as the header", (i) => (i.authentication.headerFormat = "Connection"), "input.authentication.headerFormat", "Connection is set by hookgate"],
    ["a signature header as the header", (i) => (i.authentication.headerFormat = "webhook-signature"), "input.authentication.headerFormat", "webhook-signature is set by hookgate"],
    ["a header value without %ACCESS_TOKEN%", (i) => (i.authentication.headerValueFormat = "Bearer token"), "input.authentication.headerValueFormat", "must contain %ACCESS_TOKEN%"],
    ["a header value with CR/LF", (i) => (i.authentication.headerValueFormat = "Bearer %ACCESS_TOKEN%\r\nX-Evil: 1"), "input.authentication.headerValueFormat", "must not contain line breaks"],
    ["a header value with another control character", (i) => (i.authentication.headerValueFormat = "Bearer\u0001%ACCESS_TOKEN%"), "input.authentication.headerValueFormat", "must not contain control characters"],
    ["a header value over 1000 characters", (i) => (i.authentication.headerValueFormat = `%ACCESS_TOKEN%${"v".repeat(1000)}`), "input.authentication.headerValueFormat", "must be at most 1000 characters"],
  ])("refuses %s, naming the field", (_, change, field, problem) => {
    const error = refusal(change);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`${field}: ${problem}`);
  });

  it("refuses input that is not an object", () => {
    expect(() => parseWebhookGroupInput(null as unknown as CreateWebhookGroupInput, options)).toThrow("input: must be an object");
  });
});
