import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/test-app.js";

describe("the browser apps' files", () => {
  const app = useTestApp();

  it("serves the playground to a browser at /graphql and leaves the API to everyone else", async () => {
    const page = await fetch(`${app.url}/graphql`, { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(await page.text()).toContain("/playground/assets/");

    const api = await fetch(`${app.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      // Apollo's CSRF prevention asks a GET to show it is no simple browser request.
      headers: { accept: "application/json", "x-api-key": app.adminKey, "apollo-require-preflight": "true" },
    });
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("serves the console under /console/, its client-side routes included, and sends / there", async () => {
    const root = await fetch(`${app.url}/`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(root.status).toBe(308);
    expect(root.headers.get("location")).toBe("/console/");
    const route = await fetch(`${app.url}/console/groups/123`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain("/console/assets/");
  });

  it("serves built assets as immutable and refuses paths outside the app's folder", async () => {
    const html = await (await fetch(`${app.url}/console/`)).text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${app.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    for (const path of ["/console/..%2f..%2fpackage.json", "/console/%2e%2e/%2e%2e/package.json", "/playground/..%2fconsole%2findex.html", "/console/assets/missing.js", "/console/%E0%A4%A"]) {
      expect((await fetch(`${app.url}${path}`)).status, path).toBe(404);
    }
  });
});

describe("with HOOKGATE_PLAYGROUND=false and HOOKGATE_CONSOLE=false", () => {
  const app = useTestApp({ HOOKGATE_PLAYGROUND: "false", HOOKGATE_CONSOLE: "false" });

  it("serves neither page; the API answers as before", async () => {
    const page = await fetch(`${app.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).not.toContain("text/html");
    expect((await fetch(`${app.url}/console/`)).status).toBe(404);
    expect((await fetch(`${app.url}/playground/index.html`)).status).toBe(404);
    const api = await app.graphql("{ viewer { role } }");
    expect(api.data).toEqual({ viewer: { role: "ADMIN" } });
  });
});
