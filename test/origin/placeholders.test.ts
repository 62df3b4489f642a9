import { Kind, parse, visit } from "graphql";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { OriginRequest } from "../../src/origin/origin-request.js";
import {
  checkPlaceholders,
  findPlaceholders,
  substituteInDocument,
  substitutePlaceholders,
} from "../../src/origin/placeholders.js";

const FIELD = "input.hooks[1].origin.body";
const EVENT = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

function request(query: string, variables: Record<string, unknown> = {}): OriginRequest {
  return { query, variables, operationName: null };
}

/** The string literals of a document, in order, as graphql reads them. */
function stringLiterals(query: string): string[] {
  const values: string[] = [];
  visit(parse(query), { StringValue: (node) => void values.push(node.value) });
  return values;
}

function fieldNames(query: string): string[] {
  const names: string[] = [];
  visit(parse(query), { Field: (node) => void names.push(node.name.value) });
  return names;
}

describe("findPlaceholders", () => {
  it("lists each distinct placeholder once, in order of appearance", () => {
    expect(findPlaceholders('{"a":"%ORDER_ID%","b":"x-%EVENT_ID%-%ORDER_ID%","c":"%FOO_2%"}')).toEqual([
      "%ORDER_ID%",
      "%EVENT_ID%",
      "%FOO_2%",
    ]);
  });

  it("ignores percent signs that do not form an upper-case name", () => {
    expect(findPlaceholders("100% sure, %lower%, %1ABC%, %%")).toEqual([]);
  });
});

describe("checkPlaceholders", () => {
  it("accepts the known placeholders where they have values", () => {
    const body = '{"variables":{"e":"%EVENT_ID%","g":"%EVENT_GUIDE_ID%","o":"%ORGANIZATION_ID%"}}';
    expect(() => checkPlaceholders(body, "EVENT_CREATED", FIELD)).not.toThrow();
    expect(() => checkPlaceholders(`${body} %ORDER_ID%`, "ORDER_CANCELLED", FIELD)).not.toThrow();
  });

  it("refuses an unknown placeholder, naming it and the known ones", () => {
    expect(() => checkPlaceholders('{"variables":{"id":"%FOO%"}}', "EVENT_CREATED", FIELD)).toThrow(
      new InputError(FIELD, "unknown placeholder %FOO%; known: %EVENT_ID%, %ORDER_ID%, %EVENT_GUIDE_ID%, %ORGANIZATION_ID%"),
    );
  });

  it.each(["EVENT_CREATED", "EVENT_REMOVED", "EVENT_UPDATED"] as const)("refuses %%ORDER_ID%% in an %s hook", (type) => {
    expect(() => checkPlaceholders('{"variables":{"id":"%ORDER_ID%"}}', type, FIELD)).toThrow(
      `${FIELD}: %ORDER_ID% has no value in an ${type} hook`,
    );
  });
});

describe("substitutePlaceholders", () => {
  const values = { eventId: EVENT, orderId: "o-1", organizationId: "org-1" };

  it("turns a variable that is exactly one placeholder into the value", () => {
    const result = substitutePlaceholders(request("query ($id: ID!) { event(id: $id) { id } }", { id: "%EVENT_ID%" }), values);
    expect(result.variables).toEqual({ id: EVENT });
  });

  it("replaces placeholders inside longer strings, deep in objects and lists, and leaves other values alone", () => {
    const variables = { filter: { ids: ["%ORDER_ID%", "ref-%ORDER_ID%/%EVENT_ID%"], n: 3, on: true, none: null } };
    expect(substitutePlaceholders(request("{ a }", variables), values).variables).toEqual({
      filter: { ids: ["o-1", `ref-o-1/${EVENT}`], n: 3, on: true, none: null },
    });
  });

  it("gives a placeholder without value null when it is the whole string, and nothing inside a longer one", () => {
    const result = substitutePlaceholders(request("{ a }", { order: "%ORDER_ID%", guide: "g:%EVENT_GUIDE_ID%" }), { eventId: EVENT });
    expect(result.variables).toEqual({ order: null, guide: "g:" });
  });

  it("leaves unknown placeholders as they are", () => {
    expect(substitutePlaceholders(request("{ a }", { x: "%FOO%" }), values).variables).toEqual({ x: "%FOO%" });
  });

  it("keeps a value holding quotes, braces and newlines a plain value", () => {
    const hostile = '1") { organization { id } } #\n}"';
    const result = substitutePlaceholders(
      request('query ($id: ID!) { event(id: $id) { title } other: event(id: "%EVENT_ID%") { id } }', { id: "%EVENT_ID%" }),
      { eventId: hostile },
    );
    expect(result.variables).toEqual({ id: hostile });
    expect(stringLiterals(result.query)).toEqual([hostile]);
    // The document still selects exactly the fields it did: nothing was spliced into the query.
    expect(fieldNames(result.query)).toEqual(["event", "title", "event", "id"]);
    expect(parse(result.query).definitions).toHaveLength(1);
  });

  it("replaces a placeholder written as a string literal in the query through the AST", () => {
    const result = substitutePlaceholders(request('{ event(id: "%EVENT_ID%") { title } tag: event(id: """x-%ORDER_ID%""") { id } }'), values);
    expect(stringLiterals(result.query)).toEqual([EVENT, "x-o-1"]);
  });

  it("turns a query literal that is a placeholder without value into null", () => {
    const result = substitutePlaceholders(request('{ eventGuide(id: "%EVENT_GUIDE_ID%") { name } }'), values);
    const args = parse(result.query).definitions[0];
    expect(JSON.stringify(args)).toContain(`"kind":"${Kind.NULL}"`);
  });

  it("returns the query text untouched when it holds no placeholder, and never changes its input", () => {
    const query = "query EventShort($id: ID!) {\n event(id: $id) {\n title\n }\n}\n";
    const original = request(query, { id: "%EVENT_ID%" });
    const result = substitutePlaceholders(original, values);
    expect(result.query).toBe(query);
    expect(original.variables).toEqual({ id: "%EVENT_ID%" });
  });

  it("keeps a __proto__ key in variables as data", () => {
    const variables = JSON.parse('{"__proto__":{"polluted":"%EVENT_ID%"}}') as Record<string, unknown>;
    const result = substitutePlaceholders(request("{ a }", variables), values);
    expect(Object.getPrototypeOf(result.variables)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result.variables, "__proto__")?.value).toEqual({ polluted: EVENT });
  });
});

describe("substituteInDocument", () => {
  it("returns the very same document when there is nothing to replace", () => {
    const document = parse('query ($id: ID!) { event(id: $id) { title } x: event(id: "plain") { id } }');
    expect(substituteInDocument(document, { eventId: EVENT })).toBe(document);
  });

  it("replaces literals in a cached document without touching the original", () => {
    const document = parse('{ event(id: "%EVENT_ID%") { title } }');
    const substituted = substituteInDocument(document, { eventId: EVENT });
    expect(substituted).not.toBe(document);
    expect(JSON.stringify(substituted)).toContain(EVENT);
    expect(JSON.stringify(document)).not.toContain(EVENT);
  });
});
