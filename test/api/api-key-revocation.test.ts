import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { expectError } from "../support/expect-error.js";
import { createApiKey } from "../support/fixtures.js";
import { restClient } from "../support/rest-client.js";
import { type TestApp, useTestApp } from "../support/test-app.js";

const viewerQuery = `{ viewer { role } }`;
const revokeApiKeyMutation = `mutation ($id: ID!) { revokeApiKey(id: $id) }`;

/** What another API process's revokeApiKey does to the row this process has cached. */
async function revokeElsewhere(app: TestApp, id: string) {
  await sql`update api_keys set revoked_at = now() where id = ${id}`.execute(app.db);
}

/** An ADMIN key the API has just answered, so its process holds it in the key cache. */
async function keyInUse(app: TestApp) {
  const issued = await createApiKey(app, "ADMIN");
  expect((await app.graphql(viewerQuery, undefined, { key: issued.apiKey })).data).toEqual({ viewer: { role: "ADMIN" } });
  return issued;
}

describe("with HOOKGATE_API_KEY_CACHE_TTL=300ms", () => {
  const app = useTestApp({ HOOKGATE_API_KEY_CACHE_TTL: "300ms" });

  it("a key revoked by another process is refused over GraphQL and REST within the TTL", async () => {
    const issued = await keyInUse(app);
    await revokeElsewhere(app, issued.id);
    const answer = await eventually(
      () => app.graphql(viewerQuery, undefined, { key: issued.apiKey }),
      (result) => result.errors !== undefined,
      { timeoutMs: 5_000, what: "refusal of the key revoked elsewhere" },
    );
    expectError(answer, "UNAUTHENTICATED");
    const rest = await restClient(app).call("GET", `/v1/team/${app.defaultOrganizationId}/webhooks`, { key: issued.apiKey });
    expect(rest.status).toBe(401);
  });
});

describe("with HOOKGATE_API_KEY_CACHE_TTL=1h", () => {
  const app = useTestApp({ HOOKGATE_API_KEY_CACHE_TTL: "1h" });

  it("a key revoked through this process's API is refused at once, over GraphQL and REST", async () => {
    const issued = await keyInUse(app);
    const rest = restClient(app);
    const webhooks = `/v1/team/${app.defaultOrganizationId}/webhooks`;
    expect((await rest.call("GET", webhooks, { key: issued.apiKey })).status).toBe(200);
    expect((await app.graphql(revokeApiKeyMutation, { id: issued.id })).data).toEqual({ revokeApiKey: true });
    expectError(await app.graphql(viewerQuery, undefined, { key: issued.apiKey }), "UNAUTHENTICATED");
    expect((await rest.call("GET", webhooks, { key: issued.apiKey })).status).toBe(401);
  });

  it("a key revoked by another process keeps working here until the TTL is over", async () => {
    const issued = await keyInUse(app);
    await revokeElsewhere(app, issued.id);
    expect((await app.graphql(viewerQuery, undefined, { key: issued.apiKey })).data).toEqual({ viewer: { role: "ADMIN" } });
  });

  it("a key's first use shows as its lastUsedAt", async () => {
    const issued = await createApiKey(app, "VIEWER");
    expect((await app.graphql(viewerQuery, undefined, { key: issued.apiKey })).data).toEqual({ viewer: { role: "VIEWER" } });
    const keys = (await app.graphql(`{ viewer { apiKeys { id lastUsedAt } } }`)).data?.viewer.apiKeys;
    const listed = keys.find((key: { id: string }) => key.id === issued.id);
    expect(new Date(listed.lastUsedAt).getTime()).not.toBeNaN();
  });
});
