import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { openPage, useBrowser } from "../support/browser.js";
import { createEventMutation, eventInput } from "../support/source-queries.js";
import { useTestApp } from "../support/test-app.js";

const exampleTabs = ["EventsAndOrders", "CreateGroupWithOrigin", "PreviewHookPayload", "DeliveriesWithAttempts", "Redeliver"];

describe("the GraphQL playground", () => {
  const app = useTestApp();
  const browser = useBrowser();
  let eventId = "";

  beforeAll(async () => {
    const created = await app.graphql<{ createEvent: { id: string } }>(createEventMutation, { input: eventInput({ title: "Playground Fest" }) });
    eventId = created.data!.createEvent.id;
  });

  it("opens from hookgate alone with the example tabs and an x-api-key to fill; answers UNAUTHENTICATED without a key and the organization with it", async () => {
    const { page, foreignRequests, errors } = await openPage(await browser(), app.url);
    await open(page, app.url);
    await expect.poll(() => tabTitles(page)).toEqual(exampleTabs);
    await expect.poll(() => editorText(page, "headers")).toMatch(/"x-api-key":\s*""/);
    await page.screenshot({ path: "/tmp/playground-first-open.png" });

    await setEditorText(page, "query", "query Viewer { viewer { organization { name } } }");
    // GraphiQL reads the operation's name a moment after an edit; run before, it would send the old one.
    await expect.poll(() => tabTitles(page)).toContain("Viewer");
    await run(page);
    await expect.poll(() => responseText(page)).toContain("UNAUTHENTICATED");

    await setEditorText(page, "headers", JSON.stringify({ "x-api-key": app.adminKey }));
    await run(page);
    await expect.poll(() => responseText(page)).toContain('"name": "Default"');
    await page.screenshot({ path: "/tmp/playground-viewer-answer.png" });

    // GraphiQL keeps headers per tab; the accepted key follows into a tab that had none.
    await page.getByRole("tab", { name: "CreateGroupWithOrigin" }).click();
    await expect.poll(() => editorText(page, "headers")).toContain(app.adminKey);

    // The key hookgate accepted is the tab's, for the next tab of the playground and the console:
    // in session storage only, never in GraphiQL's own storage, the URL or local storage.
    const { session, local } = await browserStorage(page);
    expect(session["hookgate.apiKey"]).toBe(app.adminKey);
    const graphiqlEntries = Object.entries(session).filter(([name]) => name.startsWith("graphiql:"));
    expect(graphiqlEntries.map(([name]) => name)).toContain("graphiql:tabState");
    expect(JSON.stringify(graphiqlEntries)).not.toContain(app.adminKey);
    expect(local).toEqual({});
    expect(page.url()).not.toContain(app.adminKey);

    expect(foreignRequests).toEqual([]);
    // The keyless run's 401 is the one console error the browser reports.
    expect(errors.filter((error) => !error.includes("401"))).toEqual([]);
  });

  it("opens with the tab's key and the newest event in the preview, which shows that event's payload", async () => {
    const { page, foreignRequests, errors } = await openPage(await browser(), app.url);
    // As the console leaves it after signing in, in the same browser tab.
    await page.addInitScript({ content: `sessionStorage.setItem("hookgate.apiKey", ${JSON.stringify(app.adminKey)})` });
    await open(page, app.url);
    await page.getByRole("tab", { name: "PreviewHookPayload" }).click();
    await expect.poll(() => editorText(page, "headers")).toContain(app.adminKey);
    await expect.poll(() => editorText(page, "variables")).toContain(eventId);

    await run(page);
    await expect.poll(() => responseText(page)).toContain('"title": "Playground Fest"');
    expect(await responseText(page)).toContain('"errors": []');
    await page.screenshot({ path: "/tmp/playground-preview.png" });
    expect(foreignRequests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("opens the explorer on the schema's fields", async () => {
    const { page, foreignRequests, errors } = await openPage(await browser(), app.url);
    await open(page, app.url);
    await page.getByRole("button", { name: "Show GraphiQL Explorer" }).click();
    const explorer = page.locator(".graphiql-plugin");
    for (const field of ["viewer", "webhookGroups", "deliveries", "previewHookPayload", "events"]) {
      await explorer.getByText(field, { exact: true }).first().waitFor();
    }
    await page.screenshot({ path: "/tmp/playground-explorer.png" });
    expect(foreignRequests).toEqual([]);
    expect(errors).toEqual([]);
  });
});

/** Opens the playground at /graphql, as a browser asks for it, and waits for its editors. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/graphql`);
  await expect.poll(() => editorText(page, "query"), { timeout: 15_000 }).toContain("query EventsAndOrders");
}

/** What the page keeps in the browser (evaluated in the page, where the storages are). */
async function browserStorage(page: Page): Promise<{ session: Record<string, string>; local: Record<string, string> }> {
  return page.evaluate("({ session: { ...sessionStorage }, local: { ...localStorage } })");
}

async function tabTitles(page: Page): Promise<string[]> {
  return page.locator(".graphiql-tab-button").allTextContents();
}

type Editor = "query" | "variables" | "headers";
const editorFile = { query: "operation.graphql", variables: "variables.json", headers: "request-headers.json" } as const;

/** Monaco's editors are no form fields: a test reads what is drawn and types as a user would. */
async function editor(page: Page, which: Editor) {
  if (which !== "query") await page.locator(".graphiql-editor-tools").getByRole("button", { name: which === "headers" ? "Headers" : "Variables", exact: true }).click();
  return page.locator(`.monaco-editor[data-uri$="${editorFile[which]}"]`);
}

async function editorText(page: Page, which: Editor): Promise<string> {
  const text = await (await editor(page, which)).locator(".view-lines").innerText();
  return text.replaceAll("\u00a0", " ");
}

async function setEditorText(page: Page, which: Editor, text: string): Promise<void> {
  const target = await editor(page, which);
  await target.locator(".view-lines").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  // One input, like a paste: typed key by key, Monaco would close brackets and quotes itself.
  await page.keyboard.insertText(text);
}

async function run(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^Execute query/ }).click();
}

async function responseText(page: Page): Promise<string> {
  const text = await page.locator('.monaco-editor[data-uri$="response.json"] .view-lines').innerText();
  return text.replaceAll("\u00a0", " ");
}
