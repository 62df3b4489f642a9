import { describe, expect, it } from "vitest";
import { dooJsonToInput } from "../../web/console/src/pages/groups/doo-json.js";
import { originBodyText } from "../../web/console/src/pages/groups/origin-body.js";

// The console's reading of pasted doo JSON, in the browser's code, without a browser.

const request = {
  operationName: "EventShort",
  variables: { id: "%EVENT_ID%" },
  query: "query EventShort($id: ID!) {\n event(id: $id) {\n title\n }\n}\n",
};
const escaped = JSON.stringify(request);

const hookWithBody = (body: string) => `{
  "name": "Sample",
  "hooks": [{ "type": "event_created", "method": "post", "endpoint": "https://partner.example/h",
              "origin": { "method": "POST", "endpoint": "https://gql.doo.net", "body": ${body} } }]
}`;

const originOf = (input: Record<string, unknown>) => (input.hooks as Array<{ origin: { body: unknown } }>)[0]!.origin.body;

describe("pasted doo JSON", () => {
  it("keeps an escaped body as written, as doo asks for it", () => {
    expect(originOf(dooJsonToInput(hookWithBody(JSON.stringify(escaped))))).toBe(escaped);
  });

  it("escapes a body written as a plain JSON object", () => {
    expect(JSON.parse(originOf(dooJsonToInput(hookWithBody(JSON.stringify(request)))) as string)).toEqual(request);
  });

  it("escapes a body written as the request itself, unescaped and over several lines", () => {
    const unescaped = `"{
      "operationName": "EventShort",
      "variables": {"id": "%EVENT_ID%"},
      "query": "query EventShort($id: ID!) {
 event(id: $id) {
 title
 }
}
"
    }"`;
    expect(JSON.parse(originOf(dooJsonToInput(hookWithBody(unescaped))) as string)).toEqual(request);
  });

  it("spells the input hookgate's way: hook types, methods, scope and authentication", () => {
    const input = dooJsonToInput(
      JSON.stringify({
        name: "All",
        event_guide_id: "guide-1",
        hooks: [{ type: `order_cancelled_${"ab".repeat(16)}`, endpoint: "https://partner.example/o" }],
        authentication: {
          grant_type: "client_credentials",
          endpoint: "https://partner.example/token",
          credentials: { client_id: "doo", client_secret: "s3cret-value" },
          header_format: "Authorization",
          header_value_format: "Bearer %ACCESS_TOKEN%",
        },
      }),
    );
    expect(input).toEqual({
      name: "All",
      eventGuideId: "guide-1",
      hooks: [{ type: "ORDER_CANCELLED", endpoint: "https://partner.example/o" }],
      authentication: {
        grantType: "CLIENT_CREDENTIALS",
        endpoint: "https://partner.example/token",
        credentials: { clientId: "doo", clientSecret: "s3cret-value" },
        headerFormat: "Authorization",
        headerValueFormat: "Bearer %ACCESS_TOKEN%",
      },
    });
  });

  it("refuses, by name, a field hookgate would not read and a hook type doo does not have", () => {
    expect(() => dooJsonToInput('{"name": "x", "hooks": [{"type": "event_created", "endpoint": "https://a.example", "condition": {}}]}')).toThrow(
      /^hooks\[0\]\.condition: is not a field of doo's AddWebhook object/,
    );
    expect(() => dooJsonToInput('{"name": "x", "hooks": [{"type": "event_exploded", "endpoint": "https://a.example"}]}')).toThrow(/hooks\[0\]\.type/);
    expect(() => dooJsonToInput("{ not json")).toThrow(/not valid JSON/);
  });

  it("leaves a body that is no JSON request for hookgate to refuse", () => {
    expect(originBodyText("query { viewer { role } }")).toBe("query { viewer { role } }");
    expect(originBodyText(42)).toBe(42);
  });
});
