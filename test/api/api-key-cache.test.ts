import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ApiKeyCache } from "../../src/api/api-key-cache.js";
import { authenticate } from "../../src/api/authenticate.js";
import { loadConfig } from "../../src/config.js";
import { createOrganization, issueApiKey, revokeOrganizationKey } from "../../src/organizations/organizations.js";
import { generateApiKey, hashApiKey } from "../../src/secrets/api-key-token.js";
import { insertApiKey, revokeApiKey } from "../../src/store/api-key.repository.js";
import type { Db } from "../../src/store/database.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

const database = useTestDatabase();
const hour = 3_600_000;

/** A VIEWER key of an organization of the test's own. */
async function viewerKey() {
  const { organization } = await createOrganization(database.db, "Key cache");
  const { row, key } = await issueApiKey(database.db, organization.id, "VIEWER");
  return { id: row.id, organizationId: organization.id, key, hash: hashApiKey(key) };
}

/** What another API process does when it revokes a key: the row changes under this one's cache. */
async function revokeElsewhere(db: Db, id: string) {
  await sql`update api_keys set revoked_at = now() where id = ${id}`.execute(db);
}

async function lastUsedAt(id: string): Promise<Date | null> {
  const row = await database.db.selectFrom("api_keys").select("last_used_at").where("id", "=", id).executeTakeFirstOrThrow();
  return row.last_used_at;
}

describe("the API key cache", () => {
  it("refuses a key revoked by another process once its TTL is over", async () => {
    const key = await viewerKey();
    const cache = new ApiKeyCache(database.db, 300);
    expect(await cache.find(key.hash)).toMatchObject({ id: key.id, organization_id: key.organizationId, role: "VIEWER" });
    await revokeElsewhere(database.db, key.id);
    await eventually(() => cache.find(key.hash), (found) => found === undefined, { timeoutMs: 5_000, what: "refusal of the revoked key" });
  });

  it("answers from memory within the TTL: a key revoked elsewhere still works there", async () => {
    const key = await viewerKey();
    const cache = new ApiKeyCache(database.db, hour);
    await cache.find(key.hash);
    await revokeElsewhere(database.db, key.id);
    expect(await cache.find(key.hash)).toMatchObject({ id: key.id });
  });

  it("refuses a key this process revoked at once, whatever the TTL", async () => {
    const key = await viewerKey();
    const cache = new ApiKeyCache(database.db, hour);
    expect(await cache.find(key.hash)).toMatchObject({ id: key.id });
    expect(await revokeOrganizationKey(database.db, key.organizationId, key.id)).toBe(true);
    expect(await cache.find(key.hash)).toBeUndefined();
  });

  it("goes by the database while this process's revocation is uncommitted, and after a rollback keeps the key", async () => {
    const key = await viewerKey();
    const cache = new ApiKeyCache(database.db, hour);
    await cache.find(key.hash);
    const rolledBack = new Error("rolled back on purpose");
    await expect(
      database.db.transaction().execute(async (trx) => {
        expect(await revokeApiKey(trx, key.organizationId, key.id)).toBe(true);
        // Not committed: for everyone else the key is still active.
        expect(await cache.find(key.hash)).toMatchObject({ id: key.id });
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await cache.find(key.hash)).toMatchObject({ id: key.id });
  });

  it("with a TTL of 0 looks the key up every time", async () => {
    const key = await viewerKey();
    const cache = new ApiKeyCache(database.db, 0);
    expect(await cache.find(key.hash)).toMatchObject({ id: key.id });
    await revokeElsewhere(database.db, key.id);
    expect(await cache.find(key.hash)).toBeUndefined();
  });

  it("does not keep unknown keys: a key issued after a refused lookup of it works at once", async () => {
    const { organizationId } = await viewerKey();
    const cache = new ApiKeyCache(database.db, hour);
    const issued = generateApiKey();
    expect(await cache.find(issued.hash)).toBeUndefined();
    const row = await insertApiKey(database.db, { organizationId, role: "ADMIN", mode: "LIVE", limitedToGroups: false, hash: issued.hash, prefix: issued.prefix });
    expect(await cache.find(issued.hash)).toMatchObject({ id: row.id, role: "ADMIN" });
  });

  it("looks a key up once for requests that arrive together", async () => {
    const key = await viewerKey();
    const cache = new ApiKeyCache(database.db, hour);
    const found = await Promise.all(Array.from({ length: 20 }, () => cache.find(key.hash)));
    expect(new Set(found).size).toBe(1);
    expect(found[0]).toMatchObject({ id: key.id });
  });
});

describe("a key's lastUsedAt", () => {
  it("is set at the first use and moves on a later lookup only once a minute has passed", async () => {
    const key = await viewerKey();
    expect(await lastUsedAt(key.id)).toBeNull();
    const cache = new ApiKeyCache(database.db, 0);
    await cache.find(key.hash);
    const first = await lastUsedAt(key.id);
    expect(first).not.toBeNull();
    await cache.find(key.hash);
    expect(await lastUsedAt(key.id)).toEqual(first);
    const twoMinutesAgo = new Date(first!.getTime() - 120_000);
    await sql`update api_keys set last_used_at = ${twoMinutesAgo} where id = ${key.id}`.execute(database.db);
    await cache.find(key.hash);
    expect((await lastUsedAt(key.id))!.getTime()).toBeGreaterThan(twoMinutesAgo.getTime());
  });

  it("is not written by requests answered from the cache", async () => {
    const key = await viewerKey();
    const cache = new ApiKeyCache(database.db, hour);
    await cache.find(key.hash);
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await sql`update api_keys set last_used_at = ${longAgo} where id = ${key.id}`.execute(database.db);
    for (let i = 0; i < 5; i++) await cache.find(key.hash);
    expect(await lastUsedAt(key.id)).toEqual(longAgo);
  });

  it("advances through authenticate once the cached copy has expired", async () => {
    const key = await viewerKey();
    const credentials = () => authenticate(database.db, { "x-api-key": key.key }, undefined, 100);
    expect((await credentials()).caller).toMatchObject({ apiKeyId: key.id, role: "VIEWER" });
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await sql`update api_keys set last_used_at = ${longAgo} where id = ${key.id}`.execute(database.db);
    await eventually(
      async () => ((await credentials()).caller, await lastUsedAt(key.id)),
      (at) => at !== null && at.getTime() > longAgo.getTime(),
      { timeoutMs: 5_000, what: "a later lastUsedAt" },
    );
  });
});

describe("HOOKGATE_API_KEY_CACHE_TTL", () => {
  it("is a duration, 5s when unset; 0 turns the cache off; anything else is refused naming the variable", () => {
    expect(loadConfig({}).apiKeyCacheTtlMs).toBe(5_000);
    expect(loadConfig({ HOOKGATE_API_KEY_CACHE_TTL: "750ms" }).apiKeyCacheTtlMs).toBe(750);
    expect(loadConfig({ HOOKGATE_API_KEY_CACHE_TTL: "0" }).apiKeyCacheTtlMs).toBe(0);
    for (const bad of ["-1s", "5", "soon"]) {
      expect(() => loadConfig({ HOOKGATE_API_KEY_CACHE_TTL: bad })).toThrow(/^HOOKGATE_API_KEY_CACHE_TTL: /);
    }
  });
});
