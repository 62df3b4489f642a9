import { describe, expect, it } from "vitest";
import { openPage, useBrowser } from "../support/browser.js";
import { readGroup } from "../support/group-helpers.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

// The console offers the operational hook types (docs/operational-webhooks.md) from the schema's
// enum, in the form and in the delivery log's filter, and leaves out what they cannot hold.

describe("the console and operational hooks", () => {
  const app = useTestApp();
  const browser = useBrowser();

  it("creates a GROUP_DISABLED hook from the form: no origin field for it, and an origin typed before is not sent", async () => {
    const { page } = await openPage(await browser(), app.url);
    await page.goto(`${app.url}/console/groups/new`);
    await page.getByLabel("API key").fill(app.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();

    await page.getByLabel("Name", { exact: true }).fill("Operations watch");
    const hook = page.getByRole("group", { name: "Hook 1" });
    await hook.getByLabel("Origin", { exact: true }).fill('{"query":"{ viewer { role } }"}');
    await hook.getByLabel("Type").selectOption("GROUP_DISABLED");
    expect(await hook.getByLabel("Origin", { exact: true }).count()).toBe(0);
    expect(await hook.getByRole("button", { name: "Compose origin" }).count()).toBe(0);
    expect(await hook.textContent()).toContain("hookgate's own event about another group");
    await hook.getByLabel("Endpoint", { exact: true }).fill("https://ops.partner.example/hookgate");
    await page.getByRole("button", { name: "Create group" }).click();
    expect(await page.getByLabel("Signing secret value").textContent()).toMatch(/^whsec_/);

    const data = await graphqlData(app, "{ webhookGroups(first: 10) { edges { node { id name } } } }");
    const created = data.webhookGroups.edges.find((edge: { node: { name: string } }) => edge.node.name === "Operations watch");
    const group = await readGroup(app, created.node.id);
    expect(group!.hooks).toMatchObject([{ type: "GROUP_DISABLED", endpoint: "https://ops.partner.example/hookgate", origin: null }]);

    // The delivery log filters by them like by any type.
    await page.goto(`${app.url}/console/deliveries`);
    // allTextContents does not wait: the filter is only there once the page has rendered.
    const typeFilter = page.getByLabel("Type", { exact: true });
    await typeFilter.waitFor();
    const options = await typeFilter.locator("option").allTextContents();
    expect(options).toEqual(expect.arrayContaining(["GROUP_DISABLED", "DELIVERY_FAILED", "GROUP_RECOVERED", "ORDER_CANCELLED"]));
  });
});
