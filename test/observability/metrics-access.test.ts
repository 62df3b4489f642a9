import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { restClient } from "../support/rest-client.js";
import { postGraphql } from "../support/second-instance.js";
import { useTestApp } from "../support/test-app.js";
import { scrape } from "./scrape.js";

const metricsToken = "metrics-token-for-tests-0123456789";

describe("HOOKGATE_METRICS_TOKEN", () => {
  // Two requests a minute per caller, no burst: the third and later are refused.
  const app = useTestApp({ HOOKGATE_METRICS_TOKEN: metricsToken, HOOKGATE_API_RATE_LIMIT: "2/min", HOOKGATE_API_RATE_BURST: "0" });

  it("answers /metrics 401 without the token, with a wrong one or another scheme, and 200 with it", async () => {
    for (const token of [undefined, "", "wrong-token-0123456789", `${metricsToken}x`, metricsToken.slice(0, -1)]) {
      const answer = await scrape(app.url, token);
      expect(answer.status, `token ${JSON.stringify(token)}`).toBe(401);
      expect(answer.text).not.toContain("hookgate_");
    }
    const basic = await fetch(`${app.url}/metrics`, { headers: { authorization: `Basic ${metricsToken}` } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get("www-authenticate")).toContain("Bearer");
    const right = await scrape(app.url, metricsToken);
    expect(right.status).toBe(200);
    expect(right.value("hookgate_rate_limited_total")).toBe(0);
  });

  it("leaves /health and /ready open to probes", async () => {
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "current" } });
  });

  it("counts every request refused by the rate limit, GraphQL and REST alike", async () => {
    const viewer = "{ viewer { role } }";
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postGraphql(app.url, viewer, { key: app.adminKey })).status);
    statuses.push((await restClient(app).call("GET", `/v1/team/${app.defaultOrganizationId}/webhooks`, { key: app.adminKey })).status);
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    const metrics = await scrape(app.url, metricsToken);
    expect(metrics.value("hookgate_rate_limited_total")).toBe(3);
    // A refused request is still an API request: timed, with no operation resolved.
    expect(metrics.value("hookgate_api_request_duration_seconds_count", { operation_type: "query" })).toBe(2);
    expect(metrics.value("hookgate_api_request_duration_seconds_count", { operation_type: "unknown" })).toBe(2);
    expect(metrics.value("hookgate_api_request_duration_seconds_count", { operation_type: "rest" })).toBe(1);
  });
});

describe("settings", () => {
  it("refuses a short metrics token, a bad port and an unknown log format, naming the variable", () => {
    expect(() => loadConfig({ HOOKGATE_METRICS_TOKEN: "short" })).toThrow(/HOOKGATE_METRICS_TOKEN: must be at least 16 characters/);
    expect(() => loadConfig({ HOOKGATE_METRICS_PORT: "99999" })).toThrow(/HOOKGATE_METRICS_PORT: expected an integer from 0 to 65535/);
    expect(() => loadConfig({ HOOKGATE_METRICS_PORT: "nine" })).toThrow(/HOOKGATE_METRICS_PORT/);
    expect(() => loadConfig({ HOOKGATE_LOG_FORMAT: "xml" })).toThrow(/HOOKGATE_LOG_FORMAT: expected json or pretty, got "xml"/);
    expect(loadConfig({ HOOKGATE_METRICS_PORT: "9464", HOOKGATE_LOG_FORMAT: "Pretty" })).toMatchObject({ metricsPort: 9464, logFormat: "pretty" });
    expect(loadConfig({})).toMatchObject({ metricsPort: undefined, metricsToken: undefined, logFormat: undefined });
  });
});
