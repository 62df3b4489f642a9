import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, useBrowser } from "../support/browser.js";
import { createEvent } from "../support/fixtures.js";
import { graphqlData, type TestApp, useTestApp } from "../support/test-app.js";

// The origin composer: doo's "Play button" flow in the console, against a real hookgate.

async function openComposer(app: TestApp, browser: Awaited<ReturnType<ReturnType<typeof useBrowser>>>) {
  const watched = await openPage(browser, app.url);
  const { page } = watched;
  await page.goto(`${app.url}/console/compose`);
  await page.getByLabel("API key").fill(app.adminKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Origin composer" }).waitFor();
  return watched;
}

/** Replaces the editor's document, as typing would. */
async function writeQuery(page: Page, query: string) {
  const editor = page.getByLabel("Origin query", { exact: true });
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await editor.fill(query);
}

async function screenshot(page: Page, name: string) {
  const prefix = process.env.HOOKGATE_SCREENSHOTS;
  if (prefix) await page.screenshot({ path: `${prefix}-${name}.png`, fullPage: true });
}

const titleQuery = "query EventTitle($id: ID!) {\n  event(id: $id) {\n    title\n    startDate\n  }\n}\n";

describe("the origin composer", () => {
  const app = useTestApp();
  const browser = useBrowser();

  it("flags a field that does not exist in hookgate's schema", async () => {
    const { page, errors } = await openComposer(app, await browser());
    await writeQuery(page, "query Broken($id: ID!) {\n  event(id: $id) {\n    title\n    nope\n  }\n}\n");
    const problems = page.getByLabel("Problems in the query");
    await expect.poll(() => problems.textContent()).toContain('Cannot query field "nope" on type "Event".');
    // The editor marks it too (cm6-graphql's lint, from the introspected schema).
    await page.locator(".cm-lintRange-error").first().waitFor();
    await screenshot(page, "composer-problem");
    expect(errors).toEqual([]);
  });

  it("previews a real event's payload exactly as it would be sent", async () => {
    const event = await createEvent(app, { title: "Composer Fest" });
    const { page, foreignRequests } = await openComposer(app, await browser());
    await writeQuery(page, titleQuery);
    await page.getByLabel("Event to preview with").selectOption(event.id);
    await page.getByRole("button", { name: "Preview" }).click();
    const shown = await page.getByLabel("Payload preview").locator("pre").textContent();

    const body = JSON.stringify({ operationName: "EventTitle", variables: { id: "%EVENT_ID%" }, query: titleQuery });
    const expected = await graphqlData(app, "query ($input: PreviewHookPayloadInput!) { previewHookPayload(input: $input) { body errors } }", {
      input: { hookType: "EVENT_CREATED", origin: { body }, eventId: event.id },
    });
    expect(shown).toBe(expected.previewHookPayload.body);
    expect(JSON.parse(shown!)).toEqual({ data: { event: { title: "Composer Fest", startDate: "2027-06-01T18:00:00.000Z" } } });
    await screenshot(page, "composer-preview");
    expect(foreignRequests).toEqual([]);
  });

  it("hands the origin to a new group's form with its placeholder, no escaping by hand", async () => {
    await createEvent(app, { title: "Handed Fest" });
    const { page } = await openComposer(app, await browser());
    await writeQuery(page, titleQuery);
    await page.getByLabel("Hook type").selectOption("EVENT_UPDATED");
    await page.getByRole("button", { name: "Use in a hook" }).click();

    await page.getByRole("heading", { name: "New webhook group" }).waitFor();
    const hook = page.getByRole("group", { name: "Hook 1" });
    expect(await hook.getByLabel("Type").inputValue()).toBe("EVENT_UPDATED");
    const origin = await hook.getByLabel("Origin", { exact: true }).inputValue();
    expect(JSON.parse(origin)).toEqual({ operationName: "EventTitle", variables: { id: "%EVENT_ID%" }, query: titleQuery });
    await screenshot(page, "composer-handed");

    await page.getByLabel("Name", { exact: true }).fill("Composed");
    await hook.getByLabel("Endpoint", { exact: true }).fill("https://partner.example/updated");
    await page.getByRole("button", { name: "Create group" }).click();
    await page.getByLabel("Signing secret value").waitFor();
    const data = await graphqlData(app, "{ webhookGroups(first: 1) { edges { node { name hooks { type origin { body } } } } } }");
    const created = data.webhookGroups.edges[0].node;
    expect(created.name).toBe("Composed");
    expect(created.hooks[0].origin.body).toBe(origin);
  });

  it("opens from a hook row of the form and fills that row", async () => {
    const { page } = await openComposer(app, await browser());
    await page.goto(`${app.url}/console/groups/new`);
    const hook = page.getByRole("group", { name: "Hook 1" });
    await hook.getByLabel("Type").selectOption("ORDER_CREATED");
    await hook.getByRole("button", { name: "Compose origin" }).click();
    // An order hook starts from an order example with the %ORDER_ID% placeholder.
    await expect.poll(() => hook.getByLabel("Variables").inputValue()).toContain("%ORDER_ID%");
    await screenshot(page, "composer-in-form");
    await hook.getByRole("button", { name: "Use in a hook" }).click();
    const origin = JSON.parse(await hook.getByLabel("Origin", { exact: true }).inputValue());
    expect(origin.operationName).toBe("OrderShort");
    expect(origin.variables).toEqual({ id: "%ORDER_ID%" });
    expect(await hook.getByRole("button", { name: "Use in a hook" }).count()).toBe(0);
  });
});
