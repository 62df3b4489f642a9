import { describe, expect, it } from "vitest";
import { builtInTypes } from "../support/built-in-types.js";
import { inputErrorOf } from "../support/input-error.js";
import { InputError } from "../../src/errors.js";
import {
  checkRemoteOriginQuery,
  createOriginDocumentCache,
  validateOriginQuery,
} from "../../src/origin/origin-document.js";
import { parseOriginRequest, type OriginRequest } from "../../src/origin/origin-request.js";

const builtIn = builtInTypes();

const FIELD = "input.hooks[0].origin.body";

function request(query: string, variables: Record<string, unknown> = {}, operationName: string | null = null): OriginRequest {
  return { query, variables, operationName };
}

const DOO_BODIES = [
  '{"operationName":"EventShort","variables":{"id":"%EVENT_ID%"},"query":"query EventShort($id: ID!) {\\n event(id: $id) {\\n title\\n }\\n}\\n"}',
  '{"operationName":"OrderShort","variables":{"id":"%ORDER_ID%"},"query":"query OrderShort($id: ID!) {\\n  order(id: $id) {\\n    hash\\n  }\\n}\\n"}',
  '{"operationName":null,"variables":{"eventId":"%EVENT_ID%"},"query":"query ($eventId: ID!) { event(id: $eventId) { id title }}"}',
  JSON.stringify({
    operationName: "EventShort",
    variables: { id: "%EVENT_ID%" },
    query: "query EventShort($id: ID!){ event(id: $id) { title, startDate, endDate } }",
  }),
];

describe("validateOriginQuery", () => {
  it.each(DOO_BODIES)("accepts the doo seed body %s", (body) => {
    const document = validateOriginQuery(builtIn, parseOriginRequest(body, FIELD), FIELD);
    expect(document.definitions).toHaveLength(1);
  });

  it("quotes graphql's syntax error", () => {
    const error = inputErrorOf(() => validateOriginQuery(builtIn, request('query { event(id: "x") { } }'), FIELD));
    expect(error.field).toBe(FIELD);
    expect(error.message).toBe(`${FIELD}: Syntax Error: Expected Name, found "}".`);
  });

  it("quotes graphql's validation errors against the schema", () => {
    const error = inputErrorOf(() => validateOriginQuery(builtIn, request('{ event(id: "1") { title secret } }'), FIELD));
    expect(error.field).toBe(FIELD);
    expect(error.message).toBe(`${FIELD}: Cannot query field "secret" on type "Event".`);
  });

  it("quotes no more than the first three validation errors", () => {
    const error = inputErrorOf(() => validateOriginQuery(builtIn, request('{ event(id: "1") { a b c d e } }'), FIELD));
    expect(error.message.match(/Cannot query field/g)).toHaveLength(3);
  });

  it("refuses a mutation: origin queries may only read", () => {
    const error = inputErrorOf(() =>
      validateOriginQuery(builtIn, request("mutation ($id: ID!) { removeEvent(id: $id) { id } }", { id: "%EVENT_ID%" }), FIELD),
    );
    expect(error.field).toBe(FIELD);
    expect(error.message).toBe(`${FIELD}: mutation refused: origin queries may only read`);
  });

  it("refuses an operationName the query does not define", () => {
    const error = inputErrorOf(() => validateOriginQuery(builtIn, request("query EventShort { events { totalCount } }", {}, "Other"), FIELD));
    expect(error.message).toBe(`${FIELD}: operation "Other" is not in the query`);
  });

  it("needs operationName to choose between several operations", () => {
    const query = "query A { events { totalCount } } query B { eventGuides { totalCount } }";
    expect(inputErrorOf(() => validateOriginQuery(builtIn, request(query), FIELD)).message).toBe(
      `${FIELD}: the query has several operations; set operationName to choose one`,
    );
    expect(() => validateOriginQuery(builtIn, request(query, {}, "B"), FIELD)).not.toThrow();
  });

  it("checks the chosen operation only: a mutation beside it is refused by its kind when chosen", () => {
    const query = 'query A { events { totalCount } } mutation B { removeEvent(id: "1") { id } }';
    expect(() => validateOriginQuery(builtIn, request(query, {}, "A"), FIELD)).not.toThrow();
    expect(inputErrorOf(() => validateOriginQuery(builtIn, request(query, {}, "B"), FIELD)).message).toContain("may only read");
  });

  it("requires every non-null variable without default to be given", () => {
    const query = "query ($id: ID!, $first: Int!, $after: String, $n: Int! = 5) { event(id: $id) { orders(first: $first, after: $after) { totalCount } } events(first: $n) { totalCount } }";
    expect(inputErrorOf(() => validateOriginQuery(builtIn, request(query, { id: "%EVENT_ID%" }), FIELD)).message).toBe(
      `${FIELD}: variable $first is required by the query but missing from "variables"`,
    );
    expect(inputErrorOf(() => validateOriginQuery(builtIn, request(query, { id: null, first: 1 }), FIELD)).message).toContain("$id");
    expect(() => validateOriginQuery(builtIn, request(query, { id: "%EVENT_ID%", first: 10 }), FIELD)).not.toThrow();
  });
});

describe("checkRemoteOriginQuery", () => {
  it("checks syntax but not fields, since the remote schema is unknown here", () => {
    expect(() => checkRemoteOriginQuery(request("{ anything { at all } }"), FIELD)).not.toThrow();
    expect(inputErrorOf(() => checkRemoteOriginQuery(request("{ broken "), FIELD)).message).toMatch(/^input\.hooks\[0\]\.origin\.body: Syntax Error/);
  });

  it("refuses writes and subscriptions there too", () => {
    expect(inputErrorOf(() => checkRemoteOriginQuery(request("mutation { wipe }"), FIELD)).message).toContain("origin queries may only read");
    expect(inputErrorOf(() => checkRemoteOriginQuery(request("subscription { ticks }"), FIELD)).message).toContain("subscription refused");
  });
});

describe("createOriginDocumentCache", () => {
  const query = "query ($id: ID!) { event(id: $id) { title } }";

  it("parses and validates a query once and hands back the same document after", () => {
    const cache = createOriginDocumentCache(builtIn);
    const first = cache.get(query);
    expect(cache.get(query)).toBe(first);
    expect(cache.size).toBe(1);
  });

  it("throws the same errors as creation and keeps no failed entry", () => {
    const cache = createOriginDocumentCache(builtIn);
    expect(() => cache.get("mutation { x }", FIELD)).toThrow(InputError);
    expect(() => cache.get("{ event { nope } }", FIELD)).toThrow(/^input\.hooks\[0\]\.origin\.body: /);
    expect(() => cache.get("{ ")).toThrow(/^origin\.body: Syntax Error/);
    expect(cache.size).toBe(0);
  });

  it("checks the objects bound with each origin body's own variables, once per body", () => {
    const cache = createOriginDocumentCache(builtIn);
    const paged = "query ($n: Int) { events(first: $n) { edges { node { orders(first: $n) { totalCount } } } } }";
    const body = (n: number) => JSON.stringify({ query: paged, variables: { n } });
    const small = cache.getChecked(body(10), parseOriginRequest(body(10), FIELD));
    expect(cache.getChecked(body(10), parseOriginRequest(body(10), FIELD))).toBe(small);
    // The same query text, validated once; its cost depends on the page size the body asks for.
    expect(cache.get(paged)).toBe(small);
    const wide = inputErrorOf(() => cache.getChecked(body(100), parseOriginRequest(body(100), FIELD), FIELD));
    expect(wide.message).toBe(
      `${FIELD}: the query could return 10100 objects, more than 10000; ask for smaller pages (first) or fewer nested connections`,
    );
  });

  it("evicts the least recently used query once full", () => {
    const cache = createOriginDocumentCache(builtIn, 2);
    const a = cache.get("{ events { totalCount } }");
    const b = cache.get("{ eventGuides { totalCount } }");
    cache.get("{ events { totalCount } }"); // a is now the most recently used
    cache.get("{ orders { totalCount } }");
    expect(cache.size).toBe(2);
    expect(cache.get("{ events { totalCount } }")).toBe(a);
    expect(cache.get("{ eventGuides { totalCount } }")).not.toBe(b);
  });
});

describe("what an origin query may read", () => {
  it.each([
    ["viewer { apiKeys { prefix } }", "viewer"],
    ["webhookGroups { edges { node { hooks { endpoint } } } }", "webhookGroups"],
  ])("refuses the organization's configuration: %s", (selection, root) => {
    const error = inputErrorOf(() => validateOriginQuery(builtIn, request(`{ ${selection} }`), FIELD));
    expect(error.message).toContain(`"${root}" is not available to them`);
  });

  it("refuses a query that could return more than 10,000 objects, or nests deeper than 12", () => {
    const wide = "query ($id: ID!) { event(id: $id) { orders(first: 100) { edges { node { event { orders(first: 101) { totalCount } } } } } } }";
    expect(inputErrorOf(() => validateOriginQuery(builtIn, request(wide, { id: "%EVENT_ID%" }), FIELD)).message).toContain("more than 10000");
    const deep = `query ($id: ID!) { event(id: $id) { ${"eventGuide { events(first: 1) { edges { node { ".repeat(3)}id${" } } } }".repeat(3)} } }`;
    expect(inputErrorOf(() => validateOriginQuery(builtIn, request(deep, { id: "%EVENT_ID%" }), FIELD)).message).toContain("deep, more than 12");
  });
});
