import { randomBytes } from "node:crypto";
import { getIntrospectionQuery } from "graphql";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { secretPurpose } from "../../src/secrets/secret-purpose.js";
import { createEvent, createGroup, createGroupMutation, groupFields, groupInput } from "../support/fixtures.js";
import { expectError } from "../support/expect-error.js";
import { restClient } from "../support/rest-client.js";
import { useTestApp } from "../support/test-app.js";

// DESIGN.md, Secrets: "OAuth client secrets, signing secrets … are encrypted at rest and never
// returned by any list or query; a signing secret is shown once, at creation." This file runs the
// API's flows, then searches every response body the app sent and every row of the database.
const app = useTestApp();

/** Every client secret ever sent to the app, including those in refused inputs. */
const clientSecrets: string[] = [];
/** Each signing secret, the group it signs for, and the one response allowed to show it. */
const signingSecrets: { secret: string; groupId: string; response: number }[] = [];
/** Each API key and the one response allowed to show it (-1: none, e.g. the banner's key). */
const apiKeys: { key: string; response: number }[] = [];

const lastResponse = () => app.responses.length - 1;

function newClientSecret(name: string): string {
  const secret = `cs-${name}-${randomBytes(12).toString("hex")}`;
  clientSecrets.push(secret);
  return secret;
}

function withAuth(name: string, overrides: Record<string, unknown> = {}, auth: Record<string, unknown> = {}) {
  const credentials = { clientId: `id-${name}`, clientSecret: newClientSecret(name) };
  const authentication = { endpoint: "https://partner.example/oauth/token", credentials, ...auth };
  return groupInput({ name, authentication, ...overrides });
}

async function created(result: { signingSecret: string; webhookGroup: Record<string, any> }) {
  signingSecrets.push({ secret: result.signingSecret, groupId: result.webhookGroup.id, response: lastResponse() });
  return result.webhookGroup.id as string;
}

const replaceMutation = `mutation ($id: ID!, $input: CreateWebhookGroupInput!) {
  replaceWebhookGroup(id: $id, input: $input) { signingSecret webhookGroup { ${groupFields} } } }`;
const groupQuery = `query ($id: ID!) { webhookGroup(id: $id) { ${groupFields} } }`;
const listQuery = `{ webhookGroups(first: 100) { totalCount edges { cursor node { ${groupFields} } } } }`;
const viewerQuery = `{ viewer { role mode groupIds apiKeyId organization { id name createdAt } apiKeys { id role mode groupIds prefix createdAt lastUsedAt revokedAt } } }`;

let other = { id: "", adminKey: "" };
let viewerKey = "";

beforeAll(async () => {
  apiKeys.push({ key: app.adminKey, response: -1 });
  other = await app.createOrganization("Other");
  apiKeys.push({ key: other.adminKey, response: lastResponse() });
  for (const role of ["ADMIN", "VIEWER"]) {
    const result = await app.graphql(`mutation ($role: ApiKeyRole!) { createApiKey(role: $role) { id apiKey role } }`, { role });
    apiKeys.push({ key: result.data!.createApiKey.apiKey, response: lastResponse() });
    viewerKey = result.data!.createApiKey.apiKey;
  }

  // A SANDBOX key, and a key limited to one group: their keys, and the groups they create.
  const sandbox = await app.graphql(`mutation { createApiKey(role: ADMIN, mode: SANDBOX) { id apiKey mode groupIds } }`);
  apiKeys.push({ key: sandbox.data!.createApiKey.apiKey, response: lastResponse() });
  const sandboxKey = sandbox.data!.createApiKey.apiKey as string;

  // Create: organization-wide, event-scoped, without authentication, and in another organization.
  const event = await createEvent(app);
  const first = await created(await createGroup(app, withAuth("first")));
  const scoped = await created(await createGroup(app, withAuth("scoped", { eventId: event.id })));
  const limited = await app.graphql(`mutation ($ids: [ID!]) { createApiKey(role: ADMIN, groupIds: $ids) { id apiKey mode groupIds } }`, { ids: [scoped] });
  apiKeys.push({ key: limited.data!.createApiKey.apiKey, response: lastResponse() });
  const limitedKey = limited.data!.createApiKey.apiKey as string;
  await created(await createGroup(app, withAuth("sandbox-group", { eventId: event.id }), sandboxKey));
  await created(await createGroup(app, withAuth("limited-group", { eventId: event.id }), limitedKey));
  await created(await createGroup(app, groupInput({ name: "no-auth", authentication: null })));
  await created(await createGroup(app, withAuth("other-org"), other.adminKey));
  // Replace: a new group with a new signing secret, and a new client secret.
  const replaced = await app.graphql(replaceMutation, { id: first, input: withAuth("replacement") });
  await created(replaced.data!.replaceWebhookGroup);

  // Read: lists and single groups, by every kind of key; the viewer with its API keys; the schema.
  for (const key of [app.adminKey, viewerKey, other.adminKey, sandboxKey, limitedKey]) {
    const list = await app.graphql(listQuery, {}, { key });
    expect(list.data?.webhookGroups.totalCount).toBeGreaterThan(0);
    for (const { groupId } of signingSecrets) await app.graphql(groupQuery, { id: groupId }, { key });
    await app.graphql(viewerQuery, {}, { key });
  }
  // Initialize (doo's backfill) by GraphQL and by REST, and read it: no secret of the group comes along.
  const initialized = await app.graphql(
    `mutation ($id: ID!) { initializeWebhookGroup(groupId: $id, input: { types: [EVENT_CREATED, ORDER_CREATED] }) { id webhookGroupId queued delivered failed finishedAt } }`,
    { id: signingSecrets[1]!.groupId },
  );
  expect(initialized.errors).toBeUndefined();
  for (const key of [app.adminKey, viewerKey]) {
    await app.graphql(`query ($id: ID!) { initialization(id: $id) { id queued delivered failed finishedAt } }`, { id: initialized.data!.initializeWebhookGroup.id }, { key });
  }
  expect((await restClient(app).call("POST", "/v1/webhooks/init/events", { body: { configuration_id: signingSecrets[2]!.groupId } })).status).toBe(200);
  expect((await app.graphql(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }))).data?.__schema).toBeDefined();

  // Refused input: each carries a client secret, none may echo it.
  const refuse = (input: Record<string, unknown>, key = app.adminKey) => app.graphql(createGroupMutation, { input }, { key });
  expectError(await refuse(withAuth("bad-hook", { hooks: [{ type: "EVENT_CREATED", endpoint: "ftp://partner.example" }] })), "BAD_USER_INPUT", "input.hooks[0].endpoint");
  expectError(await refuse(withAuth("bad-header", {}, { headerValueFormat: "Bearer" })), "BAD_USER_INPUT", "input.authentication.headerValueFormat");
  const longSecret = newClientSecret("too-long").padEnd(2001, "x");
  clientSecrets.push(longSecret);
  expectError(await refuse(groupInput({ authentication: { endpoint: "https://partner.example/t", credentials: { clientId: "c", clientSecret: longSecret } } })), "BAD_USER_INPUT", "input.authentication.credentials.clientSecret");
  expectError(await refuse(withAuth("by-viewer"), viewerKey), "FORBIDDEN");
  expectError(await app.graphql(createGroupMutation, { input: withAuth("anonymous") }, {}), "UNAUTHENTICATED");
  expectError(await app.graphql(replaceMutation, { id: first, input: withAuth("replace-deleted") }), "NOT_FOUND");
  expectError(await app.graphql(replaceMutation, { id: signingSecrets[1]!.groupId, input: withAuth("replace-bad", { hooks: [] }) }), "BAD_USER_INPUT", "input.hooks");
  const literal = newClientSecret("literal");
  const inline = await app.graphql(`mutation { createWebhookGroup(input: { name: "n", hooks: [{ type: EVENT_CREATED, endpoint: "https://x.example" }],
    authentication: { endpoint: "https://x.example/t", credentials: { clientId: "c", clientSecret: "${literal}", extra: 1 } } }) { signingSecret } }`);
  expectError(inline, "GRAPHQL_VALIDATION_FAILED");
});

/** Indexes of the responses that contain `text`. */
const responsesWith = (text: string) => app.responses.flatMap((body, index) => (body.includes(text) ? [index] : []));
const hex = (text: string | Buffer) => Buffer.from(text).toString("hex");

/** Every row of every table as text (bytea shows as \x…hex), to search for plaintext. */
async function everyRow(): Promise<string[]> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(app.db);
  const rows: string[] = [];
  for (const { name } of tables.rows) {
    const result = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(app.db);
    rows.push(...result.rows.map(({ row }) => `${name}: ${row}`));
  }
  return rows;
}

describe("secrets never leave hookgate, and are encrypted at rest", () => {
  it("the flows ran: seven signing secrets, client secrets, API keys", () => {
    expect(signingSecrets).toHaveLength(7);
    expect(clientSecrets.length).toBeGreaterThanOrEqual(12);
    expect(apiKeys).toHaveLength(6);
    expect(app.responses.length).toBeGreaterThan(30);
  });

  it("no response ever contains a client secret", () => {
    for (const secret of clientSecrets) expect(responsesWith(secret), secret).toEqual([]);
    // hasClientSecret is what the API answers instead.
    expect(app.responses.filter((body) => body.includes(`"hasClientSecret":true`)).length).toBeGreaterThan(10);
  });

  it("each signing secret appears in exactly one response: its own create or replace payload", () => {
    for (const { secret, response } of signingSecrets) {
      expect(secret).toMatch(/^whsec_/);
      expect(responsesWith(secret), secret).toEqual([response]);
      // Nor its key on its own, in base64 (as sent) or hex.
      expect(responsesWith(secret.slice("whsec_".length))).toEqual([response]);
      expect(responsesWith(hex(Buffer.from(secret.slice(6), "base64")))).toEqual([]);
      const [[mutation, payload]] = Object.entries(JSON.parse(app.responses[response]!).data) as [[string, any]];
      expect([mutation, payload.signingSecret]).toEqual([expect.stringMatching(/^(create|replace)WebhookGroup$/), secret]);
    }
  });

  it("each API key appears only in the response that created it", () => {
    for (const { key, response } of apiKeys) {
      expect(key).toMatch(/^hg_/);
      expect(responsesWith(key), key).toEqual(response === -1 ? [] : [response]);
    }
  });

  it("the database holds no secret and no API key in plain text", async () => {
    const rows = await everyRow();
    expect(rows.filter((row) => row.startsWith("webhook_groups:"))).toHaveLength(7);
    const plaintexts = [
      ...clientSecrets,
      ...signingSecrets.flatMap(({ secret }) => [secret, secret.slice(6), hex(Buffer.from(secret.slice(6), "base64"))]),
      ...apiKeys.flatMap(({ key }) => [key, key.slice(10), hex(key)]),
    ];
    for (const plaintext of plaintexts) expect(rows.filter((row) => row.includes(plaintext)), plaintext).toEqual([]);
    const stored = await app.db.selectFrom("webhook_groups").select(["signing_secret_encrypted", "auth_client_secret_encrypted"]).execute();
    for (const row of stored) expect(row.signing_secret_encrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored.filter((row) => row.auth_client_secret_encrypted?.startsWith("v1."))).toHaveLength(6);
  });

  it("stored secrets decrypt under their own purpose only", async () => {
    const { secrets } = app.hookgate.services;
    const rows = await app.db.selectFrom("webhook_groups").select(["id", "signing_secret_encrypted", "auth_client_secret_encrypted"]).execute();
    for (const { secret, groupId } of signingSecrets) {
      const row = rows.find((candidate) => candidate.id === groupId)!;
      expect(secrets.decrypt(row.signing_secret_encrypted, secretPurpose.signingSecret)).toBe(secret);
      expect(() => secrets.decrypt(row.signing_secret_encrypted, secretPurpose.oauthClientSecret)).toThrow(/wrong purpose/);
      if (row.auth_client_secret_encrypted === null) continue;
      expect(clientSecrets).toContain(secrets.decrypt(row.auth_client_secret_encrypted, secretPurpose.oauthClientSecret));
      expect(() => secrets.decrypt(row.auth_client_secret_encrypted!, secretPurpose.signingSecret)).toThrow(/wrong purpose/);
    }
  });

  // graphql-js prints an input value it cannot coerce, here the whole credentials object; doo
  // clients spell the field client_secret, so this is an easy mistake. Declared last so that, should
  // it ever leak again, the leaking response cannot also fail the checks above.
  it("a GraphQL variable error does not echo the client secret of the refused input", async () => {
    const secret = newClientSecret("doo-spelling");
    const input = groupInput({ authentication: { endpoint: "https://partner.example/t", credentials: { clientId: "doo", client_secret: secret } } });
    const result = await app.graphql(createGroupMutation, { input });
    expect(result.errors?.map((error) => error.extensions?.code)).toContain("BAD_USER_INPUT");
    expect(app.responses.at(-1)).not.toContain(secret);
  });
});

// ED25519 groups: hookgate keeps a whsk_ secret key per group (and, after a rotation, the previous
// one); what it shows is the whpk_ public key. Declared after the checks above, whose row counts
// this block's groups would change (vitest runs a block's beforeAll when the block starts).
describe("ED25519 secret keys never leave hookgate, and are encrypted at rest", () => {
  const edGroups: string[] = [];
  const shownKeys: string[] = [];
  let firstResponse = 0;

  const edFields = `id signature signingPublicKey previousSigningSecretExpiresAt`;
  beforeAll(async () => {
    firstResponse = app.responses.length;
    const create = `mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { signingSecret webhookGroup { ${edFields} } } }`;
    const made = await app.graphql(create, { input: groupInput({ name: "ed", signature: "ED25519" }) });
    edGroups.push(made.data!.createWebhookGroup.webhookGroup.id);
    shownKeys.push(made.data!.createWebhookGroup.signingSecret);
    const replaced = await app.graphql(replaceMutation.replace(groupFields, `${groupFields} ${edFields}`), {
      id: edGroups[0],
      input: groupInput({ name: "ed replaced", signature: "ED25519" }),
    });
    edGroups.push(replaced.data!.replaceWebhookGroup.webhookGroup.id);
    shownKeys.push(replaced.data!.replaceWebhookGroup.signingSecret);
    for (let rotation = 0; rotation < 2; rotation++) {
      const rotated = await app.graphql(`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, { id: edGroups[1] });
      shownKeys.push(rotated.data!.rotateSigningSecret);
    }
    // Refused: by a viewer, and for another organization's caller.
    expectError(await app.graphql(`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, { id: edGroups[1] }, { key: viewerKey }), "FORBIDDEN");
    expectError(await app.graphql(`mutation ($id: ID!) { rotateSigningSecret(groupId: $id) }`, { id: edGroups[1] }, { key: other.adminKey }), "NOT_FOUND");
    for (const key of [app.adminKey, viewerKey]) {
      await app.graphql(`{ webhookGroups(first: 100) { edges { node { ${groupFields} ${edFields} } } } }`, {}, { key });
      await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { ${edFields} } }`, { id: edGroups[1] }, { key });
    }
  });

  /** Every whsk_ secret key stored for the groups, current and previous, decrypted. */
  async function storedSecretKeys(): Promise<string[]> {
    const { secrets } = app.hookgate.services;
    const rows = await app.db.selectFrom("webhook_groups")
      .select(["signing_secret_encrypted", "previous_signing_secret_encrypted"])
      .where("id", "in", edGroups).execute();
    return rows.flatMap((row) => [row.signing_secret_encrypted, row.previous_signing_secret_encrypted])
      .filter((value): value is string => value !== null)
      .map((value) => secrets.decrypt(value, secretPurpose.signingSecret));
  }

  it("the flows ran: two groups, public keys shown at creation, replacement and each rotation", async () => {
    expect(shownKeys).toHaveLength(4);
    for (const key of shownKeys) expect(key).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(new Set(shownKeys).size).toBe(4);
    const keys = await storedSecretKeys();
    expect(keys).toHaveLength(3); // the first group's, the second's current and previous
    for (const key of keys) expect(key).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
  });

  it("no response contains a secret key, in any form; the current public key is readable", async () => {
    const responses = app.responses.slice(firstResponse);
    expect(responses.filter((body) => /whsk_[A-Za-z0-9+/]/.test(body))).toEqual([]);
    for (const key of await storedSecretKeys()) {
      const bytes = Buffer.from(key.slice("whsk_".length), "base64");
      for (const form of [key.slice(5), bytes.toString("base64url"), hex(bytes)]) {
        expect(app.responses.filter((body) => body.includes(form)), form).toEqual([]);
      }
    }
    expect(responses.filter((body) => body.includes(shownKeys.at(-1)!)).length).toBeGreaterThan(2);
  });

  it("the database holds the secret keys only encrypted, under the signing secret's purpose", async () => {
    const rows = await everyRow();
    const { secrets } = app.hookgate.services;
    for (const key of await storedSecretKeys()) {
      const bytes = Buffer.from(key.slice(5), "base64");
      for (const form of [key, key.slice(5), hex(bytes)]) expect(rows.filter((row) => row.includes(form)), form).toEqual([]);
    }
    const stored = await app.db.selectFrom("webhook_groups").select(["signing_secret_encrypted", "signing_public_key"]).where("id", "=", edGroups[1]!).executeTakeFirstOrThrow();
    expect(() => secrets.decrypt(stored.signing_secret_encrypted, secretPurpose.jwtSecret)).toThrow(/wrong purpose/);
    expect(stored.signing_public_key).toBe(shownKeys.at(-1));
  });
});
