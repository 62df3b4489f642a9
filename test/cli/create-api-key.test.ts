import { beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../src/api/authenticate.js";
import { hashApiKey } from "../../src/secrets/api-key-token.js";
import { hookgate, useEmptyDatabase } from "../support/hookgate-cli.js";

const database = useEmptyDatabase();
let organizationId = "";
beforeAll(async () => {
  // As an operator would: the organization comes from the CLI too.
  const run = await hookgate(["create-organization", "--json", "Acme Tickets"], database.env);
  expect(run.code, run.stderr).toBe(0);
  organizationId = (JSON.parse(run.stdout) as { organizationId: string }).organizationId;
});

async function keyRow(key: string) {
  return database.db.selectFrom("api_keys").selectAll().where("key_hash", "=", hashApiKey(key)).executeTakeFirst();
}

describe("hookgate create-api-key", () => {
  it.each(["VIEWER", "ADMIN"] as const)("issues a working %s key and prints it on labelled lines", async (role) => {
    const run = await hookgate(["create-api-key", "--organization", organizationId, "--role", role], database.env);
    expect(run.code, run.stderr).toBe(0);
    const printed = /^organization id: (\S+)\nrole:\s+(\S+)\nAPI key:\s+(hg_[A-Za-z0-9_-]{43})\n$/.exec(run.stdout);
    expect(printed, run.stdout).not.toBeNull();
    expect(printed![1]).toBe(organizationId);
    expect(printed![2]).toBe(role);
    const key = printed![3]!;
    expect(await keyRow(key)).toMatchObject({ organization_id: organizationId, role, revoked_at: null });
    expect((await authenticate(database.db, { "x-api-key": key }, undefined)).caller).toMatchObject({ organizationId, role });
  });

  it("--json prints the organization id, the role and the key; a lower-case role is accepted", async () => {
    const run = await hookgate(["create-api-key", "--json", "--role", "viewer", `--organization=${organizationId}`], database.env);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { organizationId: string; role: string; apiKey: string };
    expect(printed).toEqual({ organizationId, role: "VIEWER", apiKey: expect.stringMatching(/^hg_/) });
    expect(await keyRow(printed.apiKey)).toMatchObject({ organization_id: organizationId, role: "VIEWER" });
  });

  it("for an organization that does not exist, exits 1 saying so and issues nothing", async () => {
    const missing = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    const before = await database.db.selectFrom("api_keys").select("id").execute();
    const run = await hookgate(["create-api-key", "--organization", missing, "--role", "ADMIN"], database.env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`hookgate: no organization ${missing}`);
    expect(run.stdout).toBe("");
    expect(await database.db.selectFrom("api_keys").select("id").execute()).toEqual(before);
  });
});
