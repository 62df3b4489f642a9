import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, useBrowser, type WatchedPage } from "../support/browser.js";
import { createEvent, createViewerKey } from "../support/fixtures.js";
import { createFullGroup, readGroup } from "../support/group-helpers.js";
import { graphqlData, type TestApp, useTestApp } from "../support/test-app.js";

// The console's webhook group pages, driven in Chromium against a real hookgate.

const escapedBody = JSON.stringify({
  operationName: "EventShort",
  variables: { id: "%EVENT_ID%" },
  query: "query EventShort($id: ID!) {\n event(id: $id) {\n title\n }\n}\n",
});

/** doo's AddWebhook object as its documentation shows it: one body escaped, one written as an object. */
function dooJson(eventId: string, endpoint = "https://partner.example/hooks") {
  return JSON.stringify(
    {
      name: "Pasted from doo",
      description: "Event and order hooks",
      event_id: eventId,
      hooks: [
        { type: "event_created", method: "POST", endpoint, origin: { method: "POST", body: escapedBody } },
        {
          type: `order_created_${"0123456789abcdef".repeat(2)}`,
          method: "POST",
          endpoint: "https://partner.example/orders",
          origin: { method: "POST", body: { operationName: "OrderShort", variables: { id: "%ORDER_ID%" }, query: "query OrderShort($id: ID!) { order(id: $id) { hash } }" } },
        },
      ],
    },
    null,
    2,
  );
}

async function signIn(app: TestApp, watched: WatchedPage, key: string, path = "/"): Promise<Page> {
  const { page } = watched;
  await page.goto(`${app.url}/console${path}`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return page;
}

async function groupIds(app: TestApp): Promise<string[]> {
  const data = await graphqlData(app, "{ webhookGroups(first: 100) { edges { node { id } } } }");
  return data.webhookGroups.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

/** Where a run may leave pictures of the pages to look at (HOOKGATE_SCREENSHOTS=/tmp/groups). */
async function screenshot(page: Page, name: string) {
  const prefix = process.env.HOOKGATE_SCREENSHOTS;
  if (prefix) await page.screenshot({ path: `${prefix}-${name}.png`, fullPage: true });
}

describe("the console's webhook groups", () => {
  const app = useTestApp();
  const browser = useBrowser();

  it("creates a group from pasted doo JSON, escaping a plain object body, and lists it with its scope and hook types", async () => {
    const event = await createEvent(app, { title: "Pasted Fest" });
    const watched = await openPage(await browser(), app.url);
    const page = await signIn(app, watched, app.adminKey);
    await page.getByRole("link", { name: "New webhook group" }).click();
    await page.getByRole("tab", { name: "Paste doo JSON" }).click();
    await page.getByLabel("doo JSON").fill(dooJson(event.id));
    await screenshot(page, "paste-doo-json");
    await page.getByRole("button", { name: "Create from doo JSON" }).click();

    const secret = await page.getByLabel("Signing secret value").textContent();
    expect(secret).toMatch(/^whsec_/);
    expect(await page.getByLabel("Signing secret", { exact: true }).textContent()).toContain("won't be shown again");
    await screenshot(page, "created");

    const [id] = await groupIds(app);
    const group = await readGroup(app, id!);
    expect(group!.eventId).toBe(event.id);
    const hooks = group!.hooks as unknown as Array<{ type: string; origin: { body: string } }>;
    expect(hooks.map((hook) => hook.type)).toEqual(["EVENT_CREATED", "ORDER_CREATED"]);
    expect(hooks[0]!.origin.body).toBe(escapedBody);
    expect(JSON.parse(hooks[1]!.origin.body)).toEqual({
      operationName: "OrderShort",
      variables: { id: "%ORDER_ID%" },
      query: "query OrderShort($id: ID!) { order(id: $id) { hash } }",
    });

    await page.getByRole("link", { name: /Go to the group/ }).click();
    await page.getByRole("heading", { name: "Pasted from doo" }).waitFor();
    await page.getByRole("link", { name: "Webhook groups" }).click();
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Pasted from doo" }) });
    await expect.poll(() => row.textContent()).toContain("event «Pasted Fest»");
    expect(await row.textContent()).toContain("EVENT_CREATED");
    expect(await row.textContent()).toContain("ORDER_CREATED");
    expect(await row.textContent()).toContain("enabled");
    await screenshot(page, "list");
    expect(watched.foreignRequests).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it("shows hookgate's error naming the field of a doo JSON with a bad endpoint, and creates nothing", async () => {
    const event = await createEvent(app);
    const before = await groupIds(app);
    const watched = await openPage(await browser(), app.url);
    const page = await signIn(app, watched, app.adminKey, "/groups/new");
    await page.getByRole("tab", { name: "Paste doo JSON" }).click();
    await page.getByLabel("doo JSON").fill(dooJson(event.id, "not a url"));
    await page.getByRole("button", { name: "Create from doo JSON" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("hooks[0].endpoint");
    await screenshot(page, "doo-error");
    expect(await groupIds(app)).toEqual(before);
  });

  it("creates a group from the form and names hookgate's refusal next to the field", async () => {
    const watched = await openPage(await browser(), app.url);
    const page = await signIn(app, watched, app.adminKey, "/groups/new");
    await page.getByLabel("Name", { exact: true }).fill("Filled in by hand");
    const hook = page.getByRole("group", { name: "Hook 1" });
    await hook.getByLabel("Type").selectOption("ORDER_CANCELLED");
    await hook.getByLabel("Endpoint", { exact: true }).fill("ftp://partner.example/x");
    await page.getByLabel("Max requests per second").fill("5");
    await page.getByText("Ordered:").click();
    await page.getByRole("button", { name: "Create group" }).click();
    // The field's own error, next to the endpoint, from hookgate.
    await expect.poll(() => hook.locator(".field-error").textContent()).toContain("input.hooks[0].endpoint");
    await screenshot(page, "form-error");

    await hook.getByLabel("Endpoint", { exact: true }).fill("https://partner.example/cancelled");
    await page.getByRole("button", { name: "Create group" }).click();
    expect(await page.getByLabel("Signing secret value").textContent()).toMatch(/^whsec_/);
    await page.getByRole("link", { name: /Go to the group/ }).click();
    await page.getByRole("heading", { name: "Filled in by hand" }).waitFor();
    const text = await page.locator("main").textContent();
    expect(text).toContain("ORDER_CANCELLED");
    expect(text).toContain("https://partner.example/cancelled");
    expect(text).toContain("5 requests per second per endpoint");
    expect(text).toContain("one delivery at a time per endpoint");
  });

  it("disables and enables a group, and shows a rotated signing secret once", async () => {
    const { webhookGroup: group } = await createFullGroup(app, { name: "Switchable", hooks: [{ type: "EVENT_CREATED", endpoint: "https://partner.example/a" }] });
    const watched = await openPage(await browser(), app.url);
    const page = await signIn(app, watched, app.adminKey, `/groups/${group.id}`);
    await page.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Disabled");
    await page.getByRole("button", { name: "Enable" }).waitFor();
    expect(await page.locator("dl.facts").first().textContent()).toContain("disabled since");
    expect((await readGroup(app, group.id))!.enabled).toBe(false);
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByRole("button", { name: "Disable" }).waitFor();
    expect((await readGroup(app, group.id))!.enabled).toBe(true);

    await page.getByRole("button", { name: "Rotate signing secret" }).click();
    const secret = (await page.getByLabel("Signing secret value").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    expect(await page.locator("main").textContent()).toContain("won't be shown again");
    await expect.poll(() => page.locator("main").textContent()).toContain("rotated: requests carry the previous secret's signature too");
    await screenshot(page, "rotated");
    await page.reload();
    await page.getByRole("heading", { name: "Switchable" }).waitFor();
    expect(await page.locator("body").textContent()).not.toContain(secret);
  });

  it("copies and edits a group: the replacement has a new id and the old one is gone", async () => {
    const { webhookGroup: group } = await createFullGroup(app, {
      name: "To be replaced",
      hooks: [{ type: "EVENT_UPDATED", endpoint: "https://partner.example/old", origin: { body: escapedBody } }],
      authentication: { endpoint: "https://partner.example/token", credentials: { clientId: "doo", clientSecret: "first-secret-123" } },
    });
    const watched = await openPage(await browser(), app.url);
    const page = await signIn(app, watched, app.adminKey, `/groups/${group.id}`);
    await page.getByRole("link", { name: "Copy and edit" }).click();
    expect(await page.locator(".notice").textContent()).toContain("enter the client secret again");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("To be replaced");
    const hook = page.getByRole("group", { name: "Hook 1" });
    expect(JSON.parse(await hook.getByLabel("Origin", { exact: true }).inputValue())).toEqual(JSON.parse(escapedBody));
    expect(await page.getByLabel("Client id").inputValue()).toBe("doo");
    await screenshot(page, "replace");
    await hook.getByLabel("Endpoint", { exact: true }).fill("https://partner.example/new");
    await page.getByLabel("Client secret").fill("second-secret-456");
    await page.getByRole("button", { name: "Replace group" }).click();

    await page.getByRole("heading", { name: "Webhook group replaced" }).waitFor();
    // Newest first: the replacement leads the list, and the old group is gone.
    const ids = await groupIds(app);
    expect(ids).not.toContain(group.id);
    const replacement = (await readGroup(app, ids[0]!))!;
    expect(replacement.name).toBe("To be replaced");
    expect(replacement.hooks[0]!.endpoint).toBe("https://partner.example/new");
    expect(await page.locator("main").textContent()).toContain(replacement.id);
    await page.goto(`${app.url}/console/groups/${group.id}`);
    await page.getByRole("heading", { name: "Webhook group not found" }).waitFor();
  });

  it("deletes a group only after a confirmation naming it", async () => {
    const { webhookGroup: group } = await createFullGroup(app, { name: "Doomed", hooks: [{ type: "EVENT_CREATED", endpoint: "https://partner.example/d" }] });
    const watched = await openPage(await browser(), app.url);
    const page = await signIn(app, watched, app.adminKey, `/groups/${group.id}`);
    await page.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.textContent()).toContain("Delete «Doomed»?");
    await screenshot(page, "delete-dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await readGroup(app, group.id)).not.toBeNull();

    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete the group" }).click();
    await page.getByRole("heading", { name: "Webhook groups" }).waitFor();
    expect(await readGroup(app, group.id)).toBeNull();
    expect(await page.getByRole("link", { name: "Doomed" }).count()).toBe(0);
  });

  it("gives a viewer key no write buttons on the list and the group page, and says an unknown id is not found", async () => {
    const { webhookGroup: group } = await createFullGroup(app, { name: "Read only", hooks: [{ type: "EVENT_CREATED", endpoint: "https://partner.example/r" }] });
    const viewerKey = await createViewerKey(app);
    const watched = await openPage(await browser(), app.url);
    const page = await signIn(app, watched, viewerKey);
    await page.getByRole("link", { name: "Read only" }).waitFor();
    expect(await page.getByRole("link", { name: "New webhook group" }).count()).toBe(0);
    await page.getByRole("link", { name: "Read only" }).click();
    await page.getByRole("heading", { name: "Read only" }).waitFor();
    await screenshot(page, "viewer-group");
    for (const name of ["Disable", "Enable", "Rotate signing secret", "Delete"]) {
      expect(await page.getByRole("button", { name, exact: true }).count(), name).toBe(0);
    }
    expect(await page.getByRole("link", { name: "Copy and edit" }).count()).toBe(0);

    await page.goto(`${app.url}/console/groups/7d0c3a5e-0000-4000-8000-000000000000`);
    await page.getByRole("heading", { name: "Webhook group not found" }).waitFor();
  });
});
