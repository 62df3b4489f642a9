import { describe, expect, it } from "vitest";
import { authenticate } from "../../src/api/authenticate.js";
import { hashApiKey } from "../../src/secrets/api-key-token.js";
import { hookgate, useEmptyDatabasePerTest } from "../support/hookgate-cli.js";

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const apiKey = "hg_[A-Za-z0-9_-]{43}";

/** A database of the test's own, with no tables at all, as an operator's new one would be. */
const emptyDatabase = useEmptyDatabasePerTest();

describe("hookgate create-organization", () => {
  it("on an empty database, migrates it and prints the new organization's id and a working admin key", async () => {
    const database = await emptyDatabase();
    const run = await hookgate(["create-organization", "Acme Tickets"], database.env);
    expect(run.code, run.stderr).toBe(0);
    const printed = new RegExp(`^organization id: (${uuid})\\nadmin API key:   (${apiKey})\\n$`).exec(run.stdout);
    expect(printed, run.stdout).not.toBeNull();
    const [, organizationId, key] = printed!;
    expect(run.stderr).toContain("shown only this once");

    const organization = await database.db.selectFrom("organizations").selectAll().where("id", "=", organizationId!).executeTakeFirst();
    expect(organization?.name).toBe("Acme Tickets");
    const keys = await database.db.selectFrom("api_keys").selectAll().where("organization_id", "=", organizationId!).execute();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ role: "ADMIN", key_hash: hashApiKey(key!), revoked_at: null });
    // The key authenticates as the API would check it.
    expect((await authenticate(database.db, { "x-api-key": key }, undefined)).caller).toEqual({
      organizationId,
      role: "ADMIN",
      apiKeyId: keys[0]!.id,
      // LIVE and for every group: the organization's own administrator.
      mode: "LIVE",
      limitedToGroups: false,
    });
  });

  it("--json prints one JSON object with the organization id and the key, and nothing else", async () => {
    const database = await emptyDatabase();
    const run = await hookgate(["create-organization", "--json", "Beta Events"], database.env);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, string>;
    expect(Object.keys(printed).sort()).toEqual(["apiKey", "organizationId"]);
    expect(printed.organizationId).toMatch(new RegExp(`^${uuid}$`));
    expect(printed.apiKey).toMatch(new RegExp(`^${apiKey}$`));
    const caller = (await authenticate(database.db, { "x-api-key": printed.apiKey }, undefined)).caller;
    expect(caller).toMatchObject({ organizationId: printed.organizationId, role: "ADMIN" });
    const organization = await database.db.selectFrom("organizations").select("name").where("id", "=", printed.organizationId!).executeTakeFirst();
    expect(organization?.name).toBe("Beta Events");
  });
});
