import { describe, expect, it } from "vitest";
import { createEventGuide, createViewerKey } from "../../support/fixtures.js";
import { useTestApp } from "../../support/test-app.js";
import { defaultCase, graphqlCase, seedClientSecret } from "../../support/doo-seed-examples.js";
import { countGroups, restClient } from "../../support/rest-client.js";

// A small body limit, so the oversized-body refusal needs no megabyte.
const app = useTestApp({ HOOKGATE_MAX_REQUEST_BYTES: "65536" });
const { call, texts } = restClient(app);

const webhooksPath = () => `/v1/team/${app.defaultOrganizationId}/webhooks`;

/** The default case with `change` applied to its parsed object. */
function seedWith(change: (seed: any) => void): string {
  const seed = JSON.parse(defaultCase);
  change(seed);
  return JSON.stringify(seed);
}

/** Every refusal: doo's envelope with hookgate's code, and nothing written. */
async function expectRefused(
  request: { method?: string; path?: string; body?: unknown; key?: string | null; headers?: Record<string, string> },
  expected: { status: number; code: string; field?: string; message: string | RegExp },
) {
  const before = await countGroups(app);
  const answer = await call(request.method ?? "POST", request.path ?? webhooksPath(), request);
  expect(answer.status, answer.text).toBe(expected.status);
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
  const { response_status, developer_message, user_message, code, field, ...rest } = answer.json;
  expect(rest).toEqual({});
  expect({ response_status, code, field }).toEqual({ response_status: expected.status, code: expected.code, field: expected.field });
  expect(developer_message).toMatch(expected.message);
  expect(user_message).toBe(developer_message);
  expect(answer.text).not.toMatch(/\bat .+\.[jt]s:\d+/);
  expect(await countGroups(app)).toBe(before);
  return answer;
}

describe("doo REST: bad input is refused with doo's field names and changes nothing", () => {
  it("a hook endpoint that is not an http(s) URL names hooks[i].endpoint", async () => {
    await expectRefused(
      { body: seedWith((seed) => (seed.hooks[3].endpoint = "ftp://partner.example/hooks")) },
      { status: 400, code: "BAD_USER_INPUT", field: "hooks[3].endpoint", message: "hooks[3].endpoint: must use http or https, not ftp:" },
    );
  });

  it("an unknown hook type names hooks[i].type and lists doo's type names", async () => {
    await expectRefused(
      { body: seedWith((seed) => (seed.hooks[1].type = "event_exploded")) },
      {
        status: 400,
        code: "BAD_USER_INPUT",
        field: "hooks[1].type",
        message: "hooks[1].type: must be one of event_created, event_removed, event_updated, order_created, order_removed, order_updated, order_cancelled",
      },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.hooks[0].type = "EVENT_CREATED")) },
      { status: 400, code: "BAD_USER_INPUT", field: "hooks[0].type", message: /^hooks\[0\]\.type: must be one of event_created, / },
    );
  });

  it("both event_id and event_guide_id name event_guide_id in doo's words", async () => {
    const guide = await createEventGuide(app);
    await expectRefused(
      { body: seedWith((seed) => Object.assign(seed, { event_id: "0f5566bb-d35b-11e7-bde8-0206116776d2", event_guide_id: guide.id })) },
      { status: 400, code: "BAD_USER_INPUT", field: "event_guide_id", message: "event_guide_id: give event_id or event_guide_id, not both" },
    );
  });

  it("an event of no organization of the caller's names event_id", async () => {
    await expectRefused(
      { body: seedWith((seed) => (seed.event_id = "0f5566bb-d35b-11e7-bde8-0206116776d2")) },
      { status: 400, code: "BAD_USER_INPUT", field: "event_id", message: "event_id: no event 0f5566bb-d35b-11e7-bde8-0206116776d2 in your organization" },
    );
  });

  it("authentication fields are named as doo spells them", async () => {
    await expectRefused(
      { body: seedWith((seed) => (seed.authentication.header_value_format = "Bearer {token}")) },
      { status: 400, code: "BAD_USER_INPUT", field: "authentication.header_value_format", message: "authentication.header_value_format: must contain %ACCESS_TOKEN%" },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.authentication.grant_type = "password")) },
      { status: 400, code: "BAD_USER_INPUT", field: "authentication.grant_type", message: "authentication.grant_type: must be client_credentials" },
    );
    await expectRefused(
      { body: seedWith((seed) => delete seed.authentication.credentials.client_secret) },
      { status: 400, code: "BAD_USER_INPUT", field: "authentication.credentials.client_secret", message: "authentication.credentials.client_secret: must be a string" },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.authentication.credentials = "doo:secret")) },
      {
        status: 400,
        code: "BAD_USER_INPUT",
        field: "authentication.credentials",
        message: "authentication.credentials: must be an object { client_id, client_secret }",
      },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.authentication.header_format = "Content-Type")) },
      { status: 400, code: "BAD_USER_INPUT", field: "authentication.header_format", message: /^authentication\.header_format: Content-Type is set by hookgate/ },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.authentication.endpoint = "not a url")) },
      { status: 400, code: "BAD_USER_INPUT", field: "authentication.endpoint", message: /^authentication\.endpoint: / },
    );
  });

  it("a missing or empty name names name", async () => {
    await expectRefused({ body: seedWith((seed) => delete seed.name) }, { status: 400, code: "BAD_USER_INPUT", field: "name", message: "name: must be a string" });
    await expectRefused({ body: seedWith((seed) => (seed.name = "  ")) }, { status: 400, code: "BAD_USER_INPUT", field: "name", message: "name: must not be empty" });
  });

  it("no hooks names hooks", async () => {
    await expectRefused({ body: seedWith((seed) => (seed.hooks = [])) }, { status: 400, code: "BAD_USER_INPUT", field: "hooks", message: "hooks: give at least one hook" });
  });

  it("an origin endpoint that is not allow-listed names hooks[i].origin.endpoint", async () => {
    const body = JSON.parse(graphqlCase);
    body.hooks[1].origin.endpoint = "https://company.com/receive-doo-webhooks";
    await expectRefused(
      { body: JSON.stringify(body) },
      {
        status: 400,
        code: "BAD_USER_INPUT",
        field: "hooks[1].origin.endpoint",
        message: /^hooks\[1\]\.origin\.endpoint: origin endpoint https:\/\/company\.com\/receive-doo-webhooks is not allowed; /,
      },
    );
  });

  it("an origin query the schema refuses names hooks[i].origin.body and quotes the query's own names unchanged", async () => {
    const body = JSON.parse(graphqlCase);
    body.hooks[0].origin.body = JSON.stringify({
      variables: { eventId: "%EVENT_ID%" },
      query: "query ($eventId: ID!) { event(id: $eventId) { id nope } }",
    });
    await expectRefused(
      { body: JSON.stringify(body) },
      { status: 400, code: "BAD_USER_INPUT", field: "hooks[0].origin.body", message: /^hooks\[0\]\.origin\.body: .*nope/ },
    );
    body.hooks[0].origin.body = JSON.stringify({ query: 'query ($eventId: ID!) { event(id: "%EVENT_ID%") { id } }' });
    const answer = await expectRefused(
      { body: JSON.stringify(body) },
      { status: 400, code: "BAD_USER_INPUT", field: "hooks[0].origin.body", message: /^hooks\[0\]\.origin\.body: / },
    );
    expect(answer.json.developer_message).not.toContain("event_id");
  });

  it("a body that is not the AddWebhook object names body", async () => {
    await expectRefused({ body: "[]" }, { status: 400, code: "BAD_USER_INPUT", field: "body", message: "body: must be a JSON object (doo's AddWebhook object)" });
    await expectRefused({ body: "" }, { status: 400, code: "BAD_USER_INPUT", field: "body", message: /^body: / });
  });

  it("bad JSON is 400, another content type 415, an oversized body 413", async () => {
    await expectRefused({ body: defaultCase.slice(0, -2) }, { status: 400, code: "BAD_REQUEST", message: "the request body is not valid JSON" });
    await expectRefused(
      { body: defaultCase, headers: { "content-type": "text/plain" } },
      { status: 415, code: "BAD_REQUEST", message: 'content-type must be application/json, got "text/plain"' },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.description = "x".repeat(70_000))) },
      { status: 413, code: "BAD_USER_INPUT", message: /larger than 65536 bytes/ },
    );
  });

});

describe("doo REST: what doo clients send besides the documented fields", () => {
  it("refuses a condition, which doo's object has no place for, instead of creating an unfiltered group", async () => {
    await expectRefused(
      { body: seedWith((seed) => (seed.hooks[3].condition = { status: { $eq: "OPEN" } })) },
      {
        status: 400,
        code: "BAD_USER_INPUT",
        field: "hooks[3].condition",
        message: "hooks[3].condition: is not a field of doo's AddWebhook object; fields here: type, method, endpoint, origin",
      },
    );
  });

  it("names every unknown field, at any depth, the first in field", async () => {
    const answer = await expectRefused(
      {
        body: seedWith((seed) => {
          Object.assign(seed, { status: "active", retries: 10 });
          seed.hooks[1].id = 7;
          seed.authentication.credentials.clientSecret = "camelCase by mistake";
          seed.authentication.scope = "webhooks";
        }),
      },
      { status: 400, code: "BAD_USER_INPUT", field: "status", message: /^status: is not a field of doo's AddWebhook object/ },
    );
    // As sent: a GraphQL spelling is not "translated" into the doo field it was mistaken for.
    expect(answer.json.developer_message).toContain("(nor are retries, hooks[1].id, authentication.scope, authentication.credentials.clientSecret)");
    expect(answer.json.developer_message).not.toContain("camelCase by mistake");
  });

  it("ignores only the read-only id and _links doo's own list answers carry, so a listed webhook can be sent back", async () => {
    const created = await call("POST", webhooksPath(), { body: defaultCase });
    expect(created.status, created.text).toBe(200);
    const listed = (await call("GET", webhooksPath())).json._embedded.webhooks.find((webhook: { id: string }) => webhook.id === created.json.data);
    listed.authentication.credentials.client_secret = seedClientSecret;
    const again = await call("POST", webhooksPath(), { body: listed });
    expect(again.status, again.text).toBe(200);
    expect(again.json.data).not.toBe(created.json.data);
    await expectRefused(
      { body: seedWith((seed) => (seed.hooks[0]._links = { self: { href: "https://api.doo.net/x" } })) },
      { status: 400, code: "BAD_USER_INPUT", field: "hooks[0]._links", message: /^hooks\[0\]\._links: is not a field/ },
    );
  });

  it("refuses NUL and lone surrogates in any string or key, naming the field, as the GraphQL API does", async () => {
    await expectRefused(
      { body: seedWith((seed) => (seed.name = "Webhook \ud800")) },
      { status: 400, code: "BAD_USER_INPUT", field: "name", message: "name: must not contain NUL (\\u0000) or unpaired surrogate characters" },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.hooks[2].endpoint = "https://partner.example/\u0000")) },
      { status: 400, code: "BAD_USER_INPUT", field: "hooks[2].endpoint", message: /^hooks\[2\]\.endpoint: must not contain NUL/ },
    );
    await expectRefused(
      { body: seedWith((seed) => (seed.authentication["\udc00"] = 1)) },
      { status: 400, code: "BAD_USER_INPUT", field: "authentication", message: /^authentication: must not contain NUL/ },
    );
  });

  it("understands hook types with the per-hook suffix doo's own list shows", async () => {
    const answer = await call("POST", webhooksPath(), {
      body: seedWith((seed) => (seed.hooks[0].type = "event_created_92bd9a53281981160c955e339304b3e5")),
    });
    expect(answer.status, answer.text).toBe(200);
    const hooks = await app.db.selectFrom("hooks").select("type").where("webhook_group_id", "=", answer.json.data).orderBy("position").execute();
    expect(hooks[0]?.type).toBe("EVENT_CREATED");
  });
});

describe("doo REST: who may do what", () => {
  it("no key, or a key hookgate never issued, is 401", async () => {
    for (const [method, path] of [["POST", webhooksPath()], ["GET", webhooksPath()], ["DELETE", "/v1/webhooks/0f5566bb-d35b-11e7-bde8-0206116776d2"], ["GET", "/v1/organizers/current/organizations"]] as const) {
      await expectRefused(
        { method, path, key: null, ...(method === "POST" ? { body: defaultCase } : {}) },
        { status: 401, code: "UNAUTHENTICATED", message: "a valid API key is required (x-api-key header or Authorization: Bearer)" },
      );
      await expectRefused(
        { method, path, key: `hg_${"A".repeat(43)}`, ...(method === "POST" ? { body: defaultCase } : {}) },
        { status: 401, code: "UNAUTHENTICATED", message: "the API key is unknown or revoked" },
      );
    }
  });

  it("a VIEWER key lists but may not create or delete (403), and nothing changes", async () => {
    const created = await call("POST", webhooksPath(), { body: defaultCase });
    const id = created.json.data as string;
    const viewer = await createViewerKey(app);
    expect((await call("GET", webhooksPath(), { key: viewer })).status).toBe(200);
    await expectRefused(
      { key: viewer, body: defaultCase },
      { status: 403, code: "FORBIDDEN", message: "this API key has the VIEWER role; writing needs an ADMIN key" },
    );
    await expectRefused(
      { method: "DELETE", path: `/v1/webhooks/${id}`, key: viewer },
      { status: 403, code: "FORBIDDEN", message: "this API key has the VIEWER role; writing needs an ADMIN key" },
    );
  });

  it("another organization's team_id answers exactly like an unknown or malformed one: 404 team not found", async () => {
    const other = await app.createOrganization("Someone else");
    const answers: string[] = [];
    for (const team of [other.id, "0f5566bb-d35b-11e7-bde8-0206116776d2", "not-a-team"]) {
      for (const method of ["GET", "POST"]) {
        const answer = await expectRefused(
          { method, path: `/v1/team/${team}/webhooks`, ...(method === "POST" ? { body: defaultCase } : {}) },
          { status: 404, code: "NOT_FOUND", message: "team not found" },
        );
        answers.push(answer.text);
      }
    }
    expect(new Set(answers).size).toBe(1);
    const theirs = await call("GET", `/v1/team/${other.id}/webhooks`, { key: other.adminKey });
    expect(theirs.json.total_items).toBe(0);
  });

  it("a team_id in capitals is the same team", async () => {
    const answer = await call("GET", `/v1/team/${app.defaultOrganizationId.toUpperCase()}/webhooks`);
    expect(answer.status).toBe(200);
  });
});

describe("doo REST: routes", () => {
  it("an unknown route under /v1 is a 404 envelope", async () => {
    for (const path of ["/v1", "/v1/", "/v1/teams", `/v1/team/${"x"}/hooks`, "/v1/webhooks"]) {
      await expectRefused({ method: "GET", path }, { status: 404, code: "NOT_FOUND", message: /^no route for / });
    }
  });

  it("a method a route does not have is 405 with allow", async () => {
    const put = await expectRefused(
      { method: "PUT", path: webhooksPath(), body: defaultCase },
      { status: 405, code: "METHOD_NOT_ALLOWED", message: "PUT is not allowed here; allowed: GET, POST" },
    );
    expect(put.headers.get("allow")).toBe("GET, POST");
    const get = await expectRefused(
      { method: "GET", path: "/v1/webhooks/0f5566bb-d35b-11e7-bde8-0206116776d2" },
      { status: 405, code: "METHOD_NOT_ALLOWED", message: "GET is not allowed here; allowed: DELETE" },
    );
    expect(get.headers.get("allow")).toBe("DELETE");
  });

  it("no answer carried the client secret, refused or not", async () => {
    // Requests carrying it, each refused another way, then accepted and listed.
    const viewerKey = await createViewerKey(app);
    const refusals = [
      await call("POST", webhooksPath(), { body: seedWith((seed) => (seed.hooks[0].endpoint = "ftp://partner.example/x")) }),
      await call("POST", webhooksPath(), { body: defaultCase.slice(0, -1) }),
      await call("POST", webhooksPath(), { body: defaultCase, key: viewerKey }),
      await call("POST", "/v1/team/not-a-team/webhooks", { body: defaultCase }),
      await call("PUT", webhooksPath(), { body: defaultCase }),
    ];
    expect(refusals.map((answer) => answer.status)).toEqual([400, 400, 403, 404, 405]);
    expect((await call("POST", webhooksPath(), { body: graphqlCase })).status).toBe(200);
    expect((await call("GET", webhooksPath())).status).toBe(200);
    for (const text of texts) expect(text).not.toContain(seedClientSecret);
  });
});
