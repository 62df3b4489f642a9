import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { createApiKey, createEvent, createGroup, groupInput } from "../support/fixtures.js";
import { expectError } from "../support/expect-error.js";
import { operatorToken, type TestApp, useTestApp } from "../support/test-app.js";

const app = useTestApp();

const viewerQuery = `{ viewer { organization { id name createdAt } role apiKeyId
  apiKeys { id role prefix createdAt lastUsedAt revokedAt } } }`;
const createOrganizationMutation = `mutation ($name: String!) {
  createOrganization(name: $name) { organization { id name createdAt } apiKey } }`;
const createApiKeyMutation = `mutation ($role: ApiKeyRole!) { createApiKey(role: $role) { id apiKey role } }`;
const revokeApiKeyMutation = `mutation ($id: ID!) { revokeApiKey(id: $id) }`;

/** A key of the right shape that hookgate never issued. */
const unknownKey = `hg_${randomBytes(32).toString("base64url")}`;

async function count(table: "organizations" | "api_keys" | "webhook_groups" | "events", db = app.db) {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
}

describe("first start", () => {
  it("the banner's admin key works: viewer shows the Default organization, ADMIN, and the key by its prefix only", async () => {
    expect(app.adminKey).toMatch(/^hg_/);
    const result = await app.graphql(viewerQuery);
    expect(result.errors).toBeUndefined();
    const viewer = result.data?.viewer;
    expect(viewer).toMatchObject({ organization: { id: app.defaultOrganizationId, name: "Default" }, role: "ADMIN" });
    const key = viewer.apiKeys.find((candidate: { id: string }) => candidate.id === viewer.apiKeyId);
    expect(key).toMatchObject({ id: viewer.apiKeyId, role: "ADMIN", revokedAt: null });
    // First start made this one key: every other key of the organization came later.
    expect(viewer.apiKeys.filter((other: { createdAt: string }) => Date.parse(other.createdAt) <= Date.parse(key.createdAt))).toEqual([key]);
    expect(key.prefix.length).toBeGreaterThanOrEqual(6);
    expect(key.prefix.length).toBeLessThan(app.adminKey.length / 2);
    expect(app.adminKey.startsWith(key.prefix)).toBe(true);
    expect(new Date(key.createdAt).getTime()).not.toBeNaN();
    // The answer carries the prefix, never the key.
    expect(JSON.stringify(result)).not.toContain(app.adminKey);
    expect(JSON.stringify(result)).not.toContain(app.adminKey.slice(key.prefix.length));
  });

  it("the ApiKey type has no field that could carry the key or its hash", async () => {
    const result = await app.graphql(`{ __type(name: "ApiKey") { fields { name } } }`);
    const names = result.data?.__type.fields.map((field: { name: string }) => field.name);
    expect(names.sort()).toEqual(["createdAt", "groupIds", "id", "lastUsedAt", "mode", "prefix", "revokedAt", "role"]);
  });

  it("records when a key was last used", async () => {
    const issued = await createApiKey(app, "VIEWER");
    const lastUsedAt = async (): Promise<string | null> =>
      (await app.graphql(viewerQuery)).data?.viewer.apiKeys.find((key: { id: string }) => key.id === issued.id).lastUsedAt;
    expect(await lastUsedAt()).toBeNull();
    await app.graphql(`{ viewer { role } }`, undefined, { key: issued.apiKey });
    const used = await eventually(lastUsedAt, (at) => at !== null, { timeoutMs: 5_000, intervalMs: 100, what: "lastUsedAt of the key" });
    expect(Math.abs(Date.now() - new Date(used!).getTime())).toBeLessThan(60_000);
  });
});

describe("authentication", () => {
  it("accepts the key as x-api-key and as Authorization: Bearer", async () => {
    for (const auth of [{ key: app.adminKey }, { bearer: app.adminKey }, { headers: { authorization: `bearer ${app.adminKey}` } }]) {
      const result = await app.graphql(`{ viewer { organization { id } role } }`, undefined, auth);
      expect(result.errors).toBeUndefined();
      expect(result.data?.viewer).toEqual({ organization: { id: app.defaultOrganizationId }, role: "ADMIN" });
    }
  });

  it("x-api-key wins over a Bearer token (doo clients send their own access token as Bearer)", async () => {
    const garbageBearer = await app.graphql(`{ viewer { role } }`, undefined, { key: app.adminKey, bearer: "doo-access-token.abc.def" });
    expect(garbageBearer.errors).toBeUndefined();
    expect(garbageBearer.data?.viewer).toEqual({ role: "ADMIN" });

    const viewer = await createApiKey(app, "VIEWER");
    const both = await app.graphql(`{ viewer { role apiKeyId } }`, undefined, { key: viewer.apiKey, bearer: app.adminKey });
    expect(both.data?.viewer).toEqual({ role: "VIEWER", apiKeyId: viewer.id });

    // A bad x-api-key is not rescued by a good Bearer.
    expectError(await app.graphql(`{ viewer { role } }`, undefined, { key: unknownKey, bearer: app.adminKey }), "UNAUTHENTICATED");
  });

  it("refuses a missing, wrong, malformed or revoked key with UNAUTHENTICATED", async () => {
    const revoked = await createApiKey(app, "ADMIN");
    expect((await app.graphql(revokeApiKeyMutation, { id: revoked.id })).data).toEqual({ revokeApiKey: true });
    const cases: { key?: string; bearer?: string; headers?: Record<string, string> }[] = [
      {},
      { headers: { "x-api-key": "" } },
      { key: unknownKey },
      { bearer: unknownKey },
      { key: "not-a-key" },
      { key: `${app.adminKey}x` },
      { key: app.adminKey.slice(0, -1) },
      { headers: { authorization: `Basic ${Buffer.from(`user:${app.adminKey}`).toString("base64")}` } },
      { key: revoked.apiKey },
      { bearer: revoked.apiKey },
    ];
    for (const auth of cases) {
      expectError(await app.graphql(`{ viewer { role } }`, undefined, auth), "UNAUTHENTICATED");
      expectError(await app.graphql(`{ webhookGroups { totalCount } }`, undefined, auth), "UNAUTHENTICATED");
    }
  });

  it("answers introspection without a key, for the playground", async () => {
    const result = await app.graphql(`{ __schema { queryType { name } mutationType { name } types { name } } }`, undefined, {});
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema).toMatchObject({ queryType: { name: "Query" }, mutationType: { name: "Mutation" } });
    expect(result.data?.__schema.types.map((type: { name: string }) => type.name)).toEqual(
      expect.arrayContaining(["Event", "Order", "EventGuide", "WebhookGroup", "Viewer", "ApiKey"]),
    );
  });
});

describe("createOrganization", () => {
  it("with the operator token creates an organization and an admin key that sees only its own organization", async () => {
    const defaultEvent = await createEvent(app, { title: "Default's event" });
    const defaultGroup = await createGroup(app);

    const result = await app.graphql(createOrganizationMutation, { name: "  Acme Events  " }, { bearer: operatorToken });
    expect(result.errors).toBeUndefined();
    const { organization, apiKey } = result.data?.createOrganization;
    expect(organization).toMatchObject({ name: "Acme Events" });
    expect(organization.id).not.toBe(app.defaultOrganizationId);
    expect(apiKey).toMatch(/^hg_/);
    expect(apiKey).not.toBe(app.adminKey);

    const viewer = await app.graphql(viewerQuery, undefined, { key: apiKey });
    expect(viewer.data?.viewer).toMatchObject({ organization: { id: organization.id, name: "Acme Events" }, role: "ADMIN" });
    expect(viewer.data?.viewer.apiKeys).toHaveLength(1);
    expect(apiKey.startsWith(viewer.data?.viewer.apiKeys[0].prefix)).toBe(true);

    const isolated = await app.graphql(
      `query ($event: ID!, $group: ID!) { event(id: $event) { id } webhookGroup(id: $group) { id }
        events { totalCount } webhookGroups { totalCount } }`,
      { event: defaultEvent.id, group: defaultGroup.webhookGroup.id },
      { key: apiKey },
    );
    expect(isolated.errors).toBeUndefined();
    expect(isolated.data).toEqual({ event: null, webhookGroup: null, events: { totalCount: 0 }, webhookGroups: { totalCount: 0 } });

    // It writes in its own organization, which the Default organization does not see.
    const own = await createEvent(app, { title: "Acme's event" }, apiKey);
    expect((await app.graphql(`query ($id: ID!) { event(id: $id) { id } }`, { id: own.id })).data).toEqual({ event: null });
    // Nor can it revoke the Default organization's keys.
    const defaultKeyId = (await app.graphql(`{ viewer { apiKeyId } }`)).data?.viewer.apiKeyId;
    expect((await app.graphql(revokeApiKeyMutation, { id: defaultKeyId }, { key: apiKey })).data).toEqual({ revokeApiKey: false });
    expect((await app.graphql(`{ viewer { role } }`)).data).toEqual({ viewer: { role: "ADMIN" } });
  });

  it("refuses an admin API key, no credentials and a wrong token, and writes no organization", async () => {
    const before = { organizations: await count("organizations"), apiKeys: await count("api_keys") };
    const cases: { key?: string; bearer?: string; headers?: Record<string, string> }[] = [
      { key: app.adminKey },
      { bearer: app.adminKey },
      {},
      { bearer: "wrong-operator-token" },
      { bearer: `${operatorToken}x` },
      { bearer: operatorToken.slice(0, -1) },
      { headers: { "x-api-key": operatorToken } },
      { headers: { authorization: operatorToken } },
    ];
    for (const auth of cases) {
      const result = await app.graphql(createOrganizationMutation, { name: "Intruder" }, auth);
      expect(result.data ?? null).toBeNull();
      expect(["UNAUTHENTICATED", "FORBIDDEN"]).toContain(result.errors?.[0]?.extensions?.code);
    }
    expect({ organizations: await count("organizations"), apiKeys: await count("api_keys") }).toEqual(before);
    const names = await app.db.selectFrom("organizations").select("name").execute();
    expect(names.map((row) => row.name)).not.toContain("Intruder");
  });

  it.each([
    ["empty", ""],
    ["whitespace", "   "],
    ["over-long", "o".repeat(201)],
  ])("refuses an %s name with BAD_USER_INPUT naming `name`", async (_, name) => {
    const before = await count("organizations");
    const result = await app.graphql(createOrganizationMutation, { name }, { bearer: operatorToken });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
    expect(result.errors?.[0]?.message).toMatch(/\bname\b/);
    expect(await count("organizations")).toBe(before);
  });

  it("accepts a name of exactly 200 characters", async () => {
    const result = await app.graphql(createOrganizationMutation, { name: "o".repeat(200) }, { bearer: operatorToken });
    expect(result.data?.createOrganization.organization.name).toBe("o".repeat(200));
  });

  it("accepts the operator token for createOrganization only", async () => {
    for (const query of [`{ viewer { role } }`, `{ webhookGroups { totalCount } }`, `{ events { totalCount } }`]) {
      expectError(await app.graphql(query, undefined, { bearer: operatorToken }), "UNAUTHENTICATED");
    }
    const before = await count("webhook_groups");
    const write = await app.graphql(
      `mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { signingSecret } }`,
      { input: groupInput() },
      { bearer: operatorToken },
    );
    expectError(write, "UNAUTHENTICATED");
    expectError(await app.graphql(createApiKeyMutation, { role: "ADMIN" }, { bearer: operatorToken }), "UNAUTHENTICATED");
    expect(await count("webhook_groups")).toBe(before);
  });

  describe("on a server without HOOKGATE_OPERATOR_TOKEN", () => {
    // useTestApp spreads env over its defaults; an empty value is read as "not set".
    const unconfigured: TestApp = useTestApp({ HOOKGATE_OPERATOR_TOKEN: "" });

    it("refuses createOrganization with FORBIDDEN, saying the operator token is not configured", async () => {
      const before = await count("organizations", unconfigured.db);
      for (const auth of [{ bearer: operatorToken }, { bearer: "" }, {}]) {
        const result = await unconfigured.graphql(createOrganizationMutation, { name: "Nope" }, auth);
        expect(result.data ?? null).toBeNull();
        expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
        expect(result.errors?.[0]?.message).toMatch(/HOOKGATE_OPERATOR_TOKEN/);
        expect(result.errors?.[0]?.message).toMatch(/set|configured/i);
      }
      expect(await count("organizations", unconfigured.db)).toBe(before);
      // Its own Default organization works as usual.
      expect((await unconfigured.graphql(`{ viewer { role } }`, undefined, { key: unconfigured.adminKey })).data).toEqual({
        viewer: { role: "ADMIN" },
      });
    });
  });
});

describe("API keys", () => {
  it("a VIEWER key reads but every write is FORBIDDEN and changes nothing", async () => {
    const viewer = await createApiKey(app, "VIEWER");
    expect(viewer.role).toBe("VIEWER");
    expect(viewer.apiKey).toMatch(/^hg_/);
    const { webhookGroup } = await createGroup(app);
    const event = await createEvent(app);

    const read = await app.graphql(
      `query ($id: ID!) { viewer { role apiKeyId apiKeys { id } organization { id } }
        webhookGroup(id: $id) { id } webhookGroups { totalCount } events { totalCount } }`,
      { id: webhookGroup.id },
      { key: viewer.apiKey },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.viewer).toEqual({ role: "VIEWER", apiKeyId: viewer.id, apiKeys: [], organization: { id: app.defaultOrganizationId } });
    expect(read.data?.webhookGroup).toEqual({ id: webhookGroup.id });
    expect(read.data?.webhookGroups.totalCount).toBeGreaterThan(0);
    expect(read.data?.events.totalCount).toBeGreaterThan(0);

    const adminKeyId = (await app.graphql(`{ viewer { apiKeyId } }`)).data?.viewer.apiKeyId;
    const writes: [string, Record<string, unknown>][] = [
      [`mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { signingSecret } }`, { input: groupInput() }],
      [`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: webhookGroup.id }],
      [createApiKeyMutation, { role: "ADMIN" }],
      [createApiKeyMutation, { role: "VIEWER" }],
      [revokeApiKeyMutation, { id: adminKeyId }],
      [revokeApiKeyMutation, { id: viewer.id }],
      [
        `mutation ($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
        { input: { title: "Nope", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" } },
      ],
      [`mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: event.id }],
    ];
    const counts = async () => ({
      groups: await count("webhook_groups"),
      keys: await count("api_keys"),
      events: await count("events"),
      revoked: Number(
        (await app.db.selectFrom("api_keys").select((eb) => eb.fn.countAll<string>().as("n")).where("revoked_at", "is not", null).executeTakeFirstOrThrow()).n,
      ),
    });
    const before = await counts();
    for (const [mutation, variables] of writes) {
      const result = await app.graphql(mutation, variables, { key: viewer.apiKey });
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(result.errors?.[0]?.message).toMatch(/VIEWER|ADMIN/);
    }
    expect(await counts()).toEqual(before);
    expect((await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { id } }`, { id: webhookGroup.id })).data?.webhookGroup).toEqual({
      id: webhookGroup.id,
    });
    expect((await app.graphql(`query ($id: ID!) { event(id: $id) { status } }`, { id: event.id })).data?.event).toEqual({ status: "ACTIVE" });
    expect((await app.graphql(`{ viewer { role } }`, undefined, { key: viewer.apiKey })).data).toEqual({ viewer: { role: "VIEWER" } });
  });

  it("an ADMIN key made with createApiKey can write", async () => {
    const admin = await createApiKey(app, "ADMIN");
    expect(admin.role).toBe("ADMIN");
    const created = await createEvent(app, { title: "By the second admin" }, admin.apiKey);
    expect(created.title).toBe("By the second admin");
    const keys = (await app.graphql(viewerQuery, undefined, { key: admin.apiKey })).data?.viewer.apiKeys;
    const listed = keys.find((key: { id: string }) => key.id === admin.id);
    expect(listed).toMatchObject({ role: "ADMIN", revokedAt: null });
    expect(admin.apiKey.startsWith(listed.prefix)).toBe(true);
    // Each key is distinct, and so is its prefix.
    expect(new Set(keys.map((key: { prefix: string }) => key.prefix)).size).toBe(keys.length);
  });

  it("revokeApiKey revokes once: the key is then refused; again, unknown or malformed ids answer false", async () => {
    const viewer = await createApiKey(app, "VIEWER");
    expect((await app.graphql(`{ viewer { role } }`, undefined, { key: viewer.apiKey })).data).toEqual({ viewer: { role: "VIEWER" } });

    expect((await app.graphql(revokeApiKeyMutation, { id: viewer.id })).data).toEqual({ revokeApiKey: true });
    expectError(await app.graphql(`{ viewer { role } }`, undefined, { key: viewer.apiKey }), "UNAUTHENTICATED");
    expectError(await app.graphql(`{ events { totalCount } }`, undefined, { bearer: viewer.apiKey }), "UNAUTHENTICATED");

    const listed = (await app.graphql(viewerQuery)).data?.viewer.apiKeys.find((key: { id: string }) => key.id === viewer.id);
    expect(listed).toMatchObject({ id: viewer.id, role: "VIEWER" });
    expect(new Date(listed.revokedAt).getTime()).not.toBeNaN();

    expect((await app.graphql(revokeApiKeyMutation, { id: viewer.id })).data).toEqual({ revokeApiKey: false });
    expect((await app.graphql(revokeApiKeyMutation, { id: "7d0c3a5e-0000-4000-8000-000000000000" })).data).toEqual({ revokeApiKey: false });
    for (const id of ["not-a-uuid", "", "1"]) {
      const result = await app.graphql(revokeApiKeyMutation, { id });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ revokeApiKey: false });
    }
    // The admin key in use is untouched by all this.
    expect((await app.graphql(`{ viewer { role } }`)).data).toEqual({ viewer: { role: "ADMIN" } });
  });

  it("an admin can revoke the very key it is using; the next request is refused", async () => {
    const admin = await createApiKey(app, "ADMIN");
    const self = (await app.graphql(`{ viewer { apiKeyId } }`, undefined, { key: admin.apiKey })).data?.viewer.apiKeyId;
    expect(self).toBe(admin.id);
    expect((await app.graphql(revokeApiKeyMutation, { id: self }, { key: admin.apiKey })).data).toEqual({ revokeApiKey: true });
    expectError(await app.graphql(`{ viewer { role } }`, undefined, { key: admin.apiKey }), "UNAUTHENTICATED");
  });

  it("stores keys hashed: key_hash is 32 bytes and no column holds the key", async () => {
    const issued = await createApiKey(app, "VIEWER");
    const other = await app.createOrganization("Hash check org");
    const keys = [app.adminKey, issued.apiKey, other.adminKey];

    const rows = await app.db.selectFrom("api_keys").selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(Buffer.isBuffer(row.key_hash)).toBe(true);
      expect(row.key_hash).toHaveLength(32);
    }
    const stored = JSON.stringify(
      rows.map((row) => Object.values(row).map((value) => (Buffer.isBuffer(value) ? [value.toString("utf8"), value.toString("hex"), value.toString("base64")] : value))),
    );
    const organizations = JSON.stringify(await app.db.selectFrom("organizations").selectAll().execute());
    for (const key of keys) {
      expect(stored).not.toContain(key);
      expect(stored).not.toContain(key.slice(3)); // nor its random part without the hg_ prefix
      expect(organizations).not.toContain(key);
    }
  });

  it("never sent the Default admin key in any answer", async () => {
    // Answers that could carry it: the viewer with its keys, a new key, a revocation.
    await app.graphql(viewerQuery);
    const issued = await createApiKey(app, "ADMIN");
    await app.graphql(viewerQuery, undefined, { key: issued.apiKey });
    await app.graphql(revokeApiKeyMutation, { id: issued.id });
    expect(app.responses.length).toBeGreaterThanOrEqual(4);
    for (const body of app.responses) expect(body).not.toContain(app.adminKey);
  });
});
