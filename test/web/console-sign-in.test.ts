import { describe, expect, it } from "vitest";
import { openPage, useBrowser } from "../support/browser.js";
import { createApiKey } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

describe("signing in to the console", () => {
  const app = useTestApp();
  const browser = useBrowser();

  it("refuses a wrong key with a clear message, accepts the admin key, and signs out", async () => {
    const { page, foreignRequests, errors } = await openPage(await browser(), app.url);
    await page.goto(`${app.url}/console/`);
    await page.getByLabel("API key").fill("hg_not-a-real-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("did not accept this API key");

    await page.getByLabel("API key").fill(app.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(await page.locator("header").textContent()).toContain("Default · admin");

    // A reload keeps the session (session storage); the key is never in the URL.
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(page.url()).not.toContain(app.adminKey);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    expect(foreignRequests).toEqual([]);
    // The wrong key's 401 is the one console error the browser reports.
    expect(errors.filter((error) => !error.includes("401"))).toEqual([]);
  });

  it("brings the user back to sign-in, saying why, when the key is revoked mid-session", async () => {
    const { id, apiKey } = await createApiKey(app, "ADMIN");
    const { page, foreignRequests } = await openPage(await browser(), app.url);
    await page.goto(`${app.url}/console/`);
    await page.getByLabel("API key").fill(apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhook groups" }).waitFor();

    expect((await app.graphql("mutation ($id: ID!) { revokeApiKey(id: $id) }", { id })).data).toEqual({ revokeApiKey: true });
    await page.getByRole("link", { name: "Deliveries" }).click();

    await page.getByLabel("API key").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("no longer accepts this API key");
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    expect(await page.evaluate("sessionStorage.getItem('hookgate.apiKey')")).toBeNull();
    expect(foreignRequests).toEqual([]);
  });
});
