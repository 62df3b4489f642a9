import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { servicesOn } from "../src/app.js";
import { createPool, databaseOn } from "../src/store/database.js";
import { insertEvent } from "../src/store/event.repository.js";
import { insertOrganization } from "../src/store/organization.repository.js";
import { useTestApp } from "./support/test-app.js";
import { useTestDatabase } from "./support/test-database.js";

// The built-in schema runs origin queries on the database of the Services it belongs to: Services
// rebound to another pool (the benchmark's worker counts statements on one of its own) must read
// through that pool, not the one they were copied from.

const app = useTestApp();
const elsewhere = useTestDatabase();

describe("servicesOn", () => {
  it("runs origin queries on the database it is given", async () => {
    const organization = await insertOrganization(elsewhere.db, "Elsewhere");
    const event = await insertEvent(elsewhere.db, organization.id, {
      eventGuideId: null,
      title: "Only in the other database",
      description: null,
      startDate: new Date("2027-06-01T18:00:00Z"),
      endDate: new Date("2027-06-01T23:00:00Z"),
    });
    const query = {
      organizationId: organization.id,
      document: parse("query ($id: ID!) { event(id: $id) { title } }"),
      variables: { id: event.id },
      operationName: null,
    };
    const pool = createPool(elsewhere.url, { max: 2 });
    const db = databaseOn(pool);
    try {
      const rebound = servicesOn(app.hookgate.services, { pool, db });
      expect((await rebound.builtInSchema.execute(query)).data).toEqual({ event: { title: "Only in the other database" } });
      expect((await app.hookgate.services.builtInSchema.execute(query)).data).toEqual({ event: null });
    } finally {
      await db.destroy();
    }
  });
});
