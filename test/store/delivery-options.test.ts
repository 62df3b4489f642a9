import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

// Migration 0006: the columns of a group's delivery options and the rate limiter's table, as the
// database itself keeps them, whatever code writes to it.

const test = useTestDatabase();

let organizationId = "";
beforeAll(async () => {
  organizationId = (await test.db.insertInto("organizations").values({ name: "Options" }).returning("id").executeTakeFirstOrThrow()).id;
});

function insertGroup(values: { max_requests_per_second?: number | null; ordered?: boolean } = {}) {
  return test.db
    .insertInto("webhook_groups")
    .values({ organization_id: organizationId, name: "options", signing_secret_encrypted: "x", mode: "LIVE", ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

describe("webhook group delivery options in the database", () => {
  it("default to unordered and unlimited", async () => {
    expect(await insertGroup()).toMatchObject({ ordered: false, max_requests_per_second: null });
  });

  it.each([0, -1, 10_001])("refuse a rate limit of %i (check constraint)", async (limit) => {
    await expect(insertGroup({ max_requests_per_second: limit })).rejects.toMatchObject({
      code: "23514",
      constraint: "webhook_groups_max_requests_per_second_check",
    });
  });

  it("keep 1 and 10,000", async () => {
    expect(await insertGroup({ max_requests_per_second: 1, ordered: true })).toMatchObject({ ordered: true, max_requests_per_second: 1 });
    expect(await insertGroup({ max_requests_per_second: 10_000 })).toMatchObject({ max_requests_per_second: 10_000 });
  });

  it("drop a group's rate-limit rows with the group, and refuse rows for a group that does not exist", async () => {
    const group = await insertGroup({ max_requests_per_second: 5 });
    await test.db.insertInto("endpoint_rate_limits").values({ webhook_group_id: group.id, endpoint: "https://partner.example/a", next_free_at: new Date() }).execute();
    await test.db.deleteFrom("webhook_groups").where("id", "=", group.id).execute();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from endpoint_rate_limits where webhook_group_id = ${group.id}`.execute(test.db);
    expect(rows[0]!.n).toBe(0);

    const orphan = test.db.insertInto("endpoint_rate_limits").values({ webhook_group_id: group.id, endpoint: "https://partner.example/a", next_free_at: new Date() }).execute();
    await expect(orphan).rejects.toMatchObject({ code: "23503" });
  });
});
