import { describe, expect, it } from "vitest";
import { createGroup, groupFields, groupInput, clientSecret } from "../../support/fixtures.js";
import { useTestApp } from "../../support/test-app.js";
import { defaultCase, graphqlCase, graphqlCaseEarlier, seedClientSecret } from "../../support/doo-seed-examples.js";
import { countGroups, restClient } from "../../support/rest-client.js";

const app = useTestApp();
const { call, texts } = restClient(app);
const publicUrl = "http://localhost:4000";
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const webhooksPath = () => `/v1/team/${app.defaultOrganizationId}/webhooks`;

/** What the list must show for a seed object: the object itself, less the client secret, plus id and link. */
function listed(seed: string, id: string) {
  const object = JSON.parse(seed);
  delete object.authentication.credentials.client_secret;
  return { id, ...object, _links: { self: { href: `${publicUrl}/v1/webhooks/${id}` } } };
}

async function create(seed: string, path = webhooksPath(), key = app.adminKey) {
  const answer = await call("POST", path, { body: seed, key });
  expect(answer.status, answer.text).toBe(200);
  return answer.json.data as string;
}

/** A team (organization) of the test's own, so its webhook list holds exactly what the test creates. */
async function team(name: string) {
  const org = await app.createOrganization(name);
  const path = `/v1/team/${org.id}/webhooks`;
  return {
    ...org,
    path,
    create: (seed: string) => create(seed, path, org.adminKey),
    list: async () => {
      const page = await call("GET", path, { key: org.adminKey });
      expect(page.status).toBe(200);
      return page;
    },
  };
}

/** The three seed objects, created in the order doo's seed has them: the list shows them newest first. */
async function createEverySeed(into: Awaited<ReturnType<typeof team>>) {
  return {
    defaultCase: await into.create(defaultCase),
    graphqlCaseEarlier: await into.create(graphqlCaseEarlier),
    graphqlCase: await into.create(graphqlCase),
  };
}

describe("doo REST: create, list, delete", () => {
  it("accepts the seed's default case verbatim and answers doo's envelope with the group id", async () => {
    const answer = await call("POST", webhooksPath(), { body: defaultCase });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      response_status: 200,
      developer_message: "Success",
      user_message: "Success",
      data: expect.stringMatching(uuid),
      _links: { self: { href: `${publicUrl}${webhooksPath()}` } },
    });
  });

  it("accepts the seed's GraphQL case verbatim (origins on gql.doo.net run on the built-in schema), in both revisions", async () => {
    const ids = await createEverySeed(await team("GraphQL seeds"));
    const hooks = await app.db
      .selectFrom("hooks")
      .select(["type", "origin_endpoint", "origin_target"])
      .where("webhook_group_id", "=", ids.graphqlCase)
      .orderBy("position")
      .execute();
    expect(hooks).toEqual([
      { type: "EVENT_CREATED", origin_endpoint: "https://gql.doo.net", origin_target: "BUILT_IN" },
      { type: "EVENT_UPDATED", origin_endpoint: "https://gql.doo.net", origin_target: "BUILT_IN" },
    ]);
  });

  it("stores the client secret encrypted only", async () => {
    const ids = await createEverySeed(await team("Stored seeds"));
    const rows = await app.db.selectFrom("webhook_groups").selectAll().where("id", "in", Object.values(ids)).execute();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.auth_client_secret_encrypted).toBeTruthy();
      expect(JSON.stringify(row)).not.toContain(seedClientSecret);
    }
  });

  it("lists them as doo's HAL page, newest first, each as it was sent but without the client secret", async () => {
    const listing = await team("Listed seeds");
    const ids = await createEverySeed(listing);
    const page = await listing.list();
    const collection = `${publicUrl}${listing.path}`;
    expect(page.json).toEqual({
      _links: {
        self: { href: `${collection}?page=1` },
        first: { href: collection },
        last: { href: `${collection}?page=1` },
      },
      _embedded: {
        webhooks: [
          listed(graphqlCase, ids.graphqlCase),
          listed(graphqlCaseEarlier, ids.graphqlCaseEarlier),
          listed(defaultCase, ids.defaultCase),
        ],
      },
      page_count: 1,
      page_size: 25,
      total_items: 3,
      page: 1,
    });
    // The origin bodies come back byte for byte.
    expect(page.text).toContain(JSON.stringify(JSON.parse(graphqlCase).hooks[1].origin.body));
    expect(page.text).not.toContain("client_secret");
  });

  it("is the same group GraphQL reads, and GraphQL's groups are in the REST list", async () => {
    const reading = await team("Read both ways");
    const id = await reading.create(graphqlCase);
    const read = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { ${groupFields} } }`, { id }, { key: reading.adminKey });
    expect(read.errors).toBeUndefined();
    expect(read.data?.webhookGroup).toMatchObject({
      id,
      name: "Test webhook",
      description: "Event creation and updates webhook subscription",
      eventId: null,
      eventGuideId: null,
      hooks: [
        { type: "EVENT_CREATED", method: "POST", endpoint: "https://company.com/receive-doo-webhooks", origin: { method: "POST", endpoint: "https://gql.doo.net", body: JSON.parse(graphqlCase).hooks[0].origin.body } },
        { type: "EVENT_UPDATED", method: "POST", endpoint: "https://company.com/receive-doo-webhooks", origin: { method: "POST", endpoint: "https://gql.doo.net", body: JSON.parse(graphqlCase).hooks[1].origin.body } },
      ],
      authentication: {
        grantType: "CLIENT_CREDENTIALS",
        endpoint: "https://company.com/authorize-doo-webhooks",
        clientId: "doo",
        headerFormat: "Authorization",
        headerValueFormat: "Bearer %ACCESS_TOKEN%",
        hasClientSecret: true,
      },
    });

    const { webhookGroup } = await createGroup(app, groupInput({ name: "Made with GraphQL" }), reading.adminKey);
    const first = (await reading.list()).json._embedded.webhooks[0];
    expect(first).toEqual({
      id: webhookGroup.id,
      name: "Made with GraphQL",
      description: "Webhook for testing all the hook types",
      hooks: [
        { type: "event_created", method: "POST", endpoint: "https://partner.example/hooks", origin: { method: "POST", body: groupInput().hooks[0]!.origin!.body } },
        { type: "order_created", method: "PUT", endpoint: "https://partner.example/orders", origin: { method: "POST", body: groupInput().hooks[1]!.origin!.body } },
        { type: "order_cancelled", method: "POST", endpoint: "https://partner.example/orders" },
      ],
      authentication: {
        grant_type: "client_credentials",
        endpoint: "https://partner.example/oauth/token",
        credentials: { client_id: "doo" },
        header_format: "Authorization",
        header_value_format: "Bearer %ACCESS_TOKEN%",
      },
      _links: { self: { href: `${publicUrl}/v1/webhooks/${webhookGroup.id}` } },
    });
  });

  it("shows an event-scoped group's event_id and a group without authentication without one", async () => {
    const event = await app.graphql(
      `mutation { createEvent(input: { title: "Summer Fest", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`,
    );
    const eventId = event.data?.createEvent.id as string;
    const id = await create(JSON.stringify({ name: "One event", event_id: eventId, hooks: [{ type: "order_created", endpoint: "https://partner.example/o" }] }));
    const first = (await call("GET", webhooksPath())).json._embedded.webhooks[0];
    expect(first).toEqual({
      id,
      name: "One event",
      description: null,
      event_id: eventId,
      hooks: [{ type: "order_created", method: "POST", endpoint: "https://partner.example/o" }],
      _links: { self: { href: `${publicUrl}/v1/webhooks/${id}` } },
    });
  });

  it("deletes with 204 and the group leaves the list and GraphQL", async () => {
    const deleting = await team("Deleting");
    const id = await deleting.create(defaultCase);
    const before = await countGroups(app);
    const answer = await call("DELETE", `/v1/webhooks/${id}`, { key: deleting.adminKey, headers: { "content-type": "application/json" } });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect(await countGroups(app)).toBe(before - 1);
    const listedIds = (await deleting.list()).json._embedded.webhooks.map((webhook: { id: string }) => webhook.id);
    expect(listedIds).not.toContain(id);
    const read = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id } }`, { id }, { key: deleting.adminKey });
    expect(read.data?.webhookGroup).toBeNull();
  });

  it("answers 204 to a second delete, an unknown id, a malformed id and another organization's group, changing nothing", async () => {
    const deleting = await team("Deleting again");
    const deleted = await deleting.create(defaultCase);
    expect((await call("DELETE", `/v1/webhooks/${deleted}`, { key: deleting.adminKey })).status).toBe(204);
    const other = await team("Other team");
    const otherGroup = await other.create(defaultCase);
    const before = await app.db.selectFrom("webhook_groups").select(["id", "deleted_at"]).orderBy("id").execute();
    for (const id of [deleted, "0f5566bb-d35b-11e7-bde8-0206116776d2", "not-a-uuid", otherGroup]) {
      const answer = await call("DELETE", `/v1/webhooks/${id}`, { key: deleting.adminKey });
      expect(answer.status).toBe(204);
      expect(answer.text).toBe("");
    }
    expect(await app.db.selectFrom("webhook_groups").select(["id", "deleted_at"]).orderBy("id").execute()).toEqual(before);
    const theirs = await other.list();
    expect(theirs.json._embedded.webhooks.map((webhook: { id: string }) => webhook.id)).toEqual([otherGroup]);
  });

  it("accepts the key as Authorization: Bearer, and x-api-key over a doo access token in Authorization", async () => {
    const byBearer = await call("GET", webhooksPath(), { key: null, bearer: app.adminKey });
    expect(byBearer.status).toBe(200);
    const both = await call("GET", webhooksPath(), { bearer: "a-doo-access-token" });
    expect(both.status).toBe(200);
    expect(both.json.total_items).toBe(byBearer.json.total_items);
  });

  it("lists the caller's organization under /v1/organizers/current/organizations", async () => {
    const answer = await call("GET", "/v1/organizers/current/organizations");
    expect(answer.status).toBe(200);
    const collection = `${publicUrl}/v1/organizers/current/organizations`;
    expect(answer.json).toEqual({
      _links: { self: { href: `${collection}?page=1` }, first: { href: collection }, last: { href: `${collection}?page=1` } },
      _embedded: {
        organizations: [
          { id: app.defaultOrganizationId, name: "Default", _links: { webhooks: { href: `${publicUrl}${webhooksPath()}` } } },
        ],
      },
      page_count: 1,
      page_size: 25,
      total_items: 1,
      page: 1,
    });
  });

  it("never answers a client secret", async () => {
    // Every way a group comes back over REST: created from each seed, listed, and made with GraphQL.
    const showing = await team("Shown");
    await createEverySeed(showing);
    await createGroup(app, groupInput({ name: "Made with GraphQL" }), showing.adminKey);
    await showing.list();
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const text of texts) {
      expect(text).not.toContain(seedClientSecret);
      expect(text).not.toContain(clientSecret);
      expect(text).not.toContain("client_secret");
    }
  });
});

describe("doo REST: pages", () => {
  it("pages 30 groups by 25, newest first, and answers a page past the end empty with the same counts", async () => {
    const team = await app.createOrganization("Thirty groups");
    const path = `/v1/team/${team.id}/webhooks`;
    const created: string[] = [];
    for (let number = 1; number <= 30; number++) {
      const seed = JSON.parse(defaultCase);
      seed.name = `Group ${number}`;
      created.push(await create(JSON.stringify(seed), path, team.adminKey));
    }
    const newestFirst = created.toReversed();
    const collection = `${publicUrl}${path}`;

    const first = await call("GET", path, { key: team.adminKey });
    expect(first.json).toMatchObject({ page_count: 2, page_size: 25, total_items: 30, page: 1 });
    expect(first.json._links).toEqual({
      self: { href: `${collection}?page=1` },
      first: { href: collection },
      last: { href: `${collection}?page=2` },
      next: { href: `${collection}?page=2` },
    });
    expect(first.json._embedded.webhooks.map((webhook: { id: string }) => webhook.id)).toEqual(newestFirst.slice(0, 25));

    const second = await call("GET", `${path}?page=2`, { key: team.adminKey });
    expect(second.json).toMatchObject({ page_count: 2, page_size: 25, total_items: 30, page: 2 });
    expect(second.json._links).toEqual({
      self: { href: `${collection}?page=2` },
      first: { href: collection },
      last: { href: `${collection}?page=2` },
      prev: { href: `${collection}?page=1` },
    });
    expect(second.json._embedded.webhooks.map((webhook: { name: string }) => webhook.name)).toEqual(
      ["Group 5", "Group 4", "Group 3", "Group 2", "Group 1"],
    );

    const past = await call("GET", `${path}?page=7`, { key: team.adminKey });
    expect(past.status).toBe(200);
    expect(past.json).toMatchObject({ _embedded: { webhooks: [] }, page_count: 2, page_size: 25, total_items: 30, page: 7 });
  });

  it("refuses a page that is not a whole number from 1, naming page", async () => {
    for (const page of ["0", "-1", "1.5", "abc", "", "1e3", "99999999999"]) {
      const answer = await call("GET", `${webhooksPath()}?page=${encodeURIComponent(page)}`);
      expect(answer.status, page).toBe(400);
      expect(answer.json).toEqual({
        response_status: 400,
        developer_message: "page: must be a whole number from 1 to 999999999",
        user_message: "page: must be a whole number from 1 to 999999999",
        code: "BAD_USER_INPUT",
        field: "page",
      });
    }
  });
});
