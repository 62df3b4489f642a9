import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/test-app.js";

const app = useTestApp();

describe("errors a client sees", () => {
  it("masks an internal failure: no SQL, no stack trace, just a code", async () => {
    await sql`alter table event_guides rename to event_guides_elsewhere`.execute(app.db);
    try {
      const result = await app.graphql(`{ eventGuides { totalCount } }`);
      expect(result.errors).toEqual([
        { message: "Internal server error", path: ["eventGuides"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      ]);
      expect(app.responses.at(-1)).not.toMatch(/event_guides|select|relation|at .*\.ts/i);
    } finally {
      await sql`alter table event_guides_elsewhere rename to event_guides`.execute(app.db);
    }
  });

  it("answers a query that does not parse or validate with GraphQL's own message and no stack trace", async () => {
    const unparsable = await app.graphql(`{ viewer { role `);
    expect(unparsable.errors?.[0]).toMatchObject({ extensions: { code: "GRAPHQL_PARSE_FAILED" } });
    const invalid = await app.graphql(`{ viewer { colour } }`);
    expect(invalid.errors?.[0]).toMatchObject({
      message: 'Cannot query field "colour" on type "Viewer".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(JSON.stringify([unparsable, invalid])).not.toContain("stacktrace");
  });

  it("refuses a body that is not JSON with 400, and other paths with 404", async () => {
    const garbage = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": app.adminKey },
      body: "{ not json",
    });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({
      errors: [{ message: "the request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }],
    });
    const elsewhere = await fetch(`${app.url}/admin`);
    expect(elsewhere.status).toBe(404);
  });

  it("answers /health", async () => {
    const response = await fetch(`${app.url}/health`);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

describe("query limits", () => {
  it("refuses a small query that would fan out into millions of objects, before running it", async () => {
    const nested = "{ events(first: 100) { edges { node { orders(first: 100) { edges { node { event { orders { totalCount } } } } } } } } }";
    const result = await app.graphql(nested);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(result.errors?.[0]?.message).toMatch(/could return 270100 objects, more than 10000/);
  });
});
