import { describe, expect, it } from "vitest";
import { parseOriginRequest } from "../../src/origin/origin-request.js";
import { inputErrorOf } from "../support/input-error.js";

const FIELD = "input.hooks[2].origin.body";

const refusal = (body: string) => inputErrorOf(() => parseOriginRequest(body, FIELD));

describe("parseOriginRequest", () => {
  it("decodes a doo body with operationName, variables and query", () => {
    const body =
      '{"operationName":"EventShort","variables":{"id":"%EVENT_ID%"},"query":"query EventShort($id: ID!) {\\n event(id: $id) {\\n title\\n }\\n}\\n"}';
    expect(parseOriginRequest(body, FIELD)).toEqual({
      operationName: "EventShort",
      variables: { id: "%EVENT_ID%" },
      query: "query EventShort($id: ID!) {\n event(id: $id) {\n title\n }\n}\n",
    });
  });

  it("reads a null operationName as not named", () => {
    const body = '{"operationName":null,"variables":{"eventId":"%EVENT_ID%"},"query":"query ($eventId: ID!) { event(id: $eventId) { id title }}"}';
    expect(parseOriginRequest(body, FIELD).operationName).toBeNull();
  });

  it("treats absent or null variables and an empty operationName as none", () => {
    expect(parseOriginRequest('{"query":"{ viewer { role } }"}', FIELD)).toEqual({
      query: "{ viewer { role } }",
      variables: {},
      operationName: null,
    });
    expect(parseOriginRequest('{"query":"{ a }","variables":null,"operationName":""}', FIELD)).toEqual({
      query: "{ a }",
      variables: {},
      operationName: null,
    });
  });

  it.each([
    ["text that is not JSON", "query { event }", "is not valid JSON"],
    ["a JSON array", '[{"query":"{ a }"}]', "must be a JSON object"],
    ["a JSON string", '"{ a }"', "must be a JSON object"],
    ["JSON null", "null", "must be a JSON object"],
    ["no query", '{"variables":{}}', '"query" must be a non-empty string'],
    ["an empty query", '{"query":"  "}', '"query" must be a non-empty string'],
    ["a query that is not a string", '{"query":{"a":1}}', '"query" must be a non-empty string'],
    ["variables as an array", '{"query":"{ a }","variables":["x"]}', '"variables" must be an object'],
    ["variables as a string", '{"query":"{ a }","variables":"{}"}', '"variables" must be an object'],
    ["a numeric operationName", '{"query":"{ a }","operationName":3}', '"operationName" must be a string or null'],
  ])("refuses %s, naming the body field", (_, body, problem) => {
    const error = refusal(body);
    expect(error.field).toBe(FIELD);
    expect(error.message).toContain(`${FIELD}: `);
    expect(error.message).toContain(problem);
  });
});
