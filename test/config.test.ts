import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("has defaults, from an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: "0.0.0.0",
      databaseUrl: undefined,
      dataDir: path.resolve(".hookgate"),
      publicUrl: "http://localhost:4000",
      originAllowlist: [],
      operatorToken: undefined,
      secretKey: undefined,
      maxRequestBytes: 1024 * 1024,
      development: false,
      logLevel: "info",
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  it("reads the environment it is given, not process.env", () => {
    const config = loadConfig({
      PORT: "8080",
      HOOKGATE_DATA_DIR: "some/relative/dir",
      HOOKGATE_PUBLIC_URL: "https://hooks.example/",
      HOOKGATE_MAX_REQUEST_BYTES: "2048",
      DATABASE_URL: "postgres://u@db.example/hookgate",
    });
    expect(config).toMatchObject({
      port: 8080,
      dataDir: path.resolve("some/relative/dir"),
      publicUrl: "https://hooks.example",
      maxRequestBytes: 2048,
      databaseUrl: "postgres://u@db.example/hookgate",
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  it("derives the public URL from the port when it is not set", () => {
    expect(loadConfig({ PORT: "8080" }).publicUrl).toBe("http://localhost:8080");
  });

  // [variable, value]: each must throw a ConfigError naming the variable.
  const refusals: Array<[string, string]> = [
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["HOOKGATE_MAX_REQUEST_BYTES", "1"],
    ["HOOKGATE_MAX_REQUEST_BYTES", "lots"],
    ["HOOKGATE_PUBLIC_URL", "ftp://x"],
    ["HOOKGATE_PUBLIC_URL", "not a url"],
    ["HOOKGATE_ORIGIN_ALLOWLIST", "https://ok.example/graphql, ftp://files.example/graphql"],
    ["HOOKGATE_ORIGIN_ALLOWLIST", "gql.example/graphql"],
    ["HOOKGATE_OPERATOR_TOKEN", "short-and-guessable-token"],
    ["HOOKGATE_OPERATOR_TOKEN", "x".repeat(31)],
    ["HOOKGATE_API_RATE_LIMIT", "100"],
    ["HOOKGATE_API_RATE_LIMIT", "0/s"],
    ["HOOKGATE_API_RATE_LIMIT", "100/fortnight"],
    ["HOOKGATE_API_RATE_LIMIT", "100/500ms"],
    ["HOOKGATE_API_RATE_LIMIT", "-5/s"],
    ["HOOKGATE_API_RATE_LIMIT", "1.5/s"],
    ["HOOKGATE_API_RATE_LIMIT", "none"],
    ["HOOKGATE_API_RATE_BURST", "-1"],
    ["HOOKGATE_API_RATE_BURST", "lots"],
    ["HOOKGATE_AUTH_FAILURE_LIMIT", "10 per minute"],
    ["HOOKGATE_AUTH_FAILURE_LIMIT", "10/0s"],
    ["HOOKGATE_MAX_QUEUED_PER_REQUEST", "0"],
    ["HOOKGATE_MAX_QUEUED_PER_REQUEST", "1001"],
  ];
  it.each(refusals)("refuses %s=%s with a ConfigError naming the variable", (name, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message.startsWith(`${name}: `)).toBe(true);
  });

  it("limits requests by default: 100/s per key with a burst of 100, 10 failed authentications a minute per address, 10 deliveries queued per request", () => {
    expect(loadConfig({})).toMatchObject({
      apiRateLimit: { count: 100, windowMs: 1_000 },
      apiRateBurst: 100,
      authFailureLimit: { count: 10, windowMs: 60_000 },
      maxQueuedPerRequest: 10,
    });
  });

  it("reads rates per window, and off", () => {
    expect(loadConfig({ HOOKGATE_API_RATE_LIMIT: "6000/min", HOOKGATE_AUTH_FAILURE_LIMIT: "20 / 10s" })).toMatchObject({
      apiRateLimit: { count: 6000, windowMs: 60_000 },
      apiRateBurst: 6000,
      authFailureLimit: { count: 20, windowMs: 10_000 },
    });
    expect(loadConfig({ HOOKGATE_API_RATE_LIMIT: "50/h", HOOKGATE_API_RATE_BURST: "0" })).toMatchObject({
      apiRateLimit: { count: 50, windowMs: 3_600_000 },
      apiRateBurst: 0,
    });
    expect(loadConfig({ HOOKGATE_API_RATE_LIMIT: "off", HOOKGATE_AUTH_FAILURE_LIMIT: "OFF" })).toMatchObject({
      apiRateLimit: null,
      authFailureLimit: null,
    });
  });

  describe("private targets (HOOKGATE_ALLOW_PRIVATE_TARGETS, NODE_ENV)", () => {
    // [environment, allowed]: production refuses unless told; elsewhere the local demo may reach localhost.
    const cases: Array<[Record<string, string>, boolean]> = [
      [{ NODE_ENV: "production" }, false],
      [{ NODE_ENV: "production", HOOKGATE_ALLOW_PRIVATE_TARGETS: "" }, false],
      [{ NODE_ENV: "production", HOOKGATE_ALLOW_PRIVATE_TARGETS: "true" }, true],
      [{ NODE_ENV: "production", HOOKGATE_ALLOW_PRIVATE_TARGETS: "1" }, true],
      [{}, true],
      [{ NODE_ENV: "development" }, true],
      [{ NODE_ENV: "test" }, true],
      [{ HOOKGATE_ALLOW_PRIVATE_TARGETS: "false" }, false],
      [{ NODE_ENV: "development", HOOKGATE_ALLOW_PRIVATE_TARGETS: "0" }, false],
    ];
    it.each(cases)("%j allows private targets: %s", (env, allowed) => {
      expect(loadConfig(env).allowPrivateTargets).toBe(allowed);
    });

    it("refuses a value that is not true or false, naming the variable", () => {
      expect(() => loadConfig({ HOOKGATE_ALLOW_PRIVATE_TARGETS: "yes please" })).toThrow(/^HOOKGATE_ALLOW_PRIVATE_TARGETS: /);
    });
  });

  it("names the allow-list entry that is not http(s)", () => {
    expect(() => loadConfig({ HOOKGATE_ORIGIN_ALLOWLIST: "https://ok.example, javascript:alert(1)" })).toThrow(/javascript:alert\(1\)/);
  });

  it("splits, trims and normalizes the origin allow-list", () => {
    const config = loadConfig({
      HOOKGATE_ORIGIN_ALLOWLIST: " https://gql.example/graphql/ ,, HTTPS://Other.Example:443/api ,http://intranet.example/ ",
    });
    expect(config.originAllowlist).toEqual(["https://gql.example/graphql", "https://other.example/api", "http://intranet.example"]);
  });

  it("returns a frozen object, allow-list included", () => {
    const config = loadConfig({ HOOKGATE_ORIGIN_ALLOWLIST: "https://gql.example/graphql" });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.originAllowlist)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.originAllowlist as string[]).push("https://evil.example")).toThrow(TypeError);
    expect(config.port).toBe(4000);
  });
});
