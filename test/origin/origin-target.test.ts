import { describe, expect, it } from "vitest";
import { resolveOriginTarget, type OriginPolicy } from "../../src/origin/origin-target.js";
import { inputErrorOf } from "../support/input-error.js";

const FIELD = "input.hooks[0].origin.endpoint";
const policy: OriginPolicy = {
  builtInGraphqlUrl: "https://hooks.example.com/graphql",
  allowlist: ["https://api.partner.example/graphql", "http://localhost:8080/graphql"],
};

const refusal = (endpoint: string) => inputErrorOf(() => resolveOriginTarget(endpoint, policy, FIELD));

describe("resolveOriginTarget", () => {
  it.each([undefined, null, "", "   "])("runs an origin without endpoint (%j) on the built-in schema", (endpoint) => {
    expect(resolveOriginTarget(endpoint, policy, FIELD)).toEqual({ kind: "built-in" });
  });

  it.each(["https://hooks.example.com/graphql", "https://HOOKS.example.com/graphql/", "https://hooks.example.com:443/graphql"])(
    "recognizes this instance's own /graphql (%s) as the built-in schema",
    (endpoint) => {
      expect(resolveOriginTarget(endpoint, policy, FIELD)).toEqual({ kind: "built-in" });
    },
  );

  it("sends an allow-listed endpoint to the remote origin, normalized", () => {
    expect(resolveOriginTarget("https://API.partner.example/graphql/", policy, FIELD)).toEqual({
      kind: "remote",
      url: "https://api.partner.example/graphql",
    });
    expect(resolveOriginTarget("http://localhost:8080/graphql", policy, FIELD)).toEqual({
      kind: "remote",
      url: "http://localhost:8080/graphql",
    });
  });

  it("refuses an endpoint that is not allow-listed, saying what to do without revealing the allow-list", () => {
    const error = refusal("https://evil.example/graphql");
    expect(error.field).toBe(FIELD);
    expect(error.message).toBe(
      `${FIELD}: origin endpoint https://evil.example/graphql is not allowed; leave endpoint out (or use ` +
        "https://hooks.example.com/graphql) for hookgate's built-in schema, or ask the operator to add it to " +
        "HOOKGATE_ORIGIN_ALLOWLIST",
    );
    expect(error.message).not.toContain("api.partner.example");
  });

  it("treats a different path or port on an allowed host as a different endpoint", () => {
    expect(refusal("https://api.partner.example/admin").field).toBe(FIELD);
    expect(refusal("http://localhost:8081/graphql").field).toBe(FIELD);
  });

  it("refuses an empty allow-list for anything but the built-in schema", () => {
    expect(() => resolveOriginTarget("https://api.partner.example/graphql", { ...policy, allowlist: [] }, FIELD)).toThrow(
      /not allowed; leave endpoint out/,
    );
  });

  it.each([
    ["ftp://api.partner.example/graphql", "must use http or https, not ftp:"],
    ["/graphql", "must be an absolute http(s) URL"],
    ["https://" + "a".repeat(2050), "must be at most 2048 characters"],
  ])("refuses %s", (endpoint, problem) => {
    const error = refusal(endpoint);
    expect(error.field).toBe(FIELD);
    expect(error.message).toContain(problem);
  });

  it("refuses credentials in the URL without quoting them back", () => {
    const error = refusal("https://user:hunter2@api.partner.example/graphql");
    expect(error.message).toBe(`${FIELD}: must not contain a username or password`);
    expect(error.message).not.toContain("hunter2");
  });
});
