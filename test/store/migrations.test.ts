import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/store/migrate.js";
import { useTestDatabase } from "../support/test-database.js";

describe("migrations", () => {
  const test = useTestDatabase();

  it("give a fresh test database every table of the foundation", async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public'`.execute(test.db);
    expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining([
      "organizations", "api_keys", "event_guides", "events", "orders", "webhook_groups", "hooks",
    ]));
  });

  it("do nothing when the database is already migrated", async () => {
    expect(await migrateToLatest(test.db, test.url)).toEqual([]);
  });

  it("let the database refuse a webhook group scoped to both an event and an event guide", async () => {
    const organization = await test.db.insertInto("organizations").values({ name: "Acme" })
      .returning("id").executeTakeFirstOrThrow();
    const guide = await test.db.insertInto("event_guides")
      .values({ organization_id: organization.id, name: "Guide" })
      .returning("id").executeTakeFirstOrThrow();
    const event = await test.db.insertInto("events")
      .values({
        organization_id: organization.id, event_guide_id: guide.id, title: "Launch",
        start_date: new Date("2030-01-01T10:00:00Z"), end_date: new Date("2030-01-01T12:00:00Z"),
      })
      .returning("id").executeTakeFirstOrThrow();

    const insert = test.db.insertInto("webhook_groups").values({
      organization_id: organization.id, name: "both scopes", signing_secret_encrypted: "x", mode: "LIVE",
      event_id: event.id, event_guide_id: guide.id,
    }).execute();

    await expect(insert).rejects.toMatchObject({ code: "23514" }); // check_violation
  });

  it("let the database refuse a row that points into another organization", async () => {
    const [own, other] = await test.db.insertInto("organizations").values([{ name: "Own" }, { name: "Other" }])
      .returning("id").execute();
    const foreignEvent = await test.db.insertInto("events")
      .values({
        organization_id: other!.id, title: "Theirs",
        start_date: new Date("2030-01-01T10:00:00Z"), end_date: new Date("2030-01-01T12:00:00Z"),
      })
      .returning("id").executeTakeFirstOrThrow();

    const order = test.db.insertInto("orders")
      .values({ organization_id: own!.id, event_id: foreignEvent.id, hash: "CROSS", total: 1, currency: "EUR" })
      .execute();
    const group = test.db.insertInto("webhook_groups")
      .values({ organization_id: own!.id, name: "cross", signing_secret_encrypted: "x", mode: "LIVE", event_id: foreignEvent.id })
      .execute();

    await expect(order).rejects.toMatchObject({ code: "23503" }); // foreign_key_violation
    await expect(group).rejects.toMatchObject({ code: "23503" });
  });
});
