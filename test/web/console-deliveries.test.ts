import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { openPage, useBrowser, type WatchedPage } from "../support/browser.js";
import { waitForDeliveryIds } from "../support/delivery-log.js";
import { createOrder } from "../support/fixtures.js";
import { createScopedGroup, requestsTo, waitForPath } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";

// Set HOOKGATE_TEST_SCREENSHOTS=/tmp to keep a picture of each page the tests look at.
const screenshotFolder = process.env.HOOKGATE_TEST_SCREENSHOTS;
async function picture(page: Page, name: string) {
  if (screenshotFolder) await page.screenshot({ path: path.join(screenshotFolder, `deliveries-${name}.png`), fullPage: true });
}

describe("the console's delivery log", () => {
  // Failed rounds come quickly, so a test sees a delivery end FAILED within a second.
  const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "50ms,50ms" }, { worker: true });
  const receiver = useReceiver();
  const browser = useBrowser();
  let opened: WatchedPage[] = [];

  beforeAll(() => {
    // The partner behind /down answers 500 to everything; the rest answer 200.
    receiver.answerAlways((request) =>
      request.path.startsWith("/down") ? { status: 500, body: "down for maintenance" } : { status: 200, body: '{"ok":true}' },
    );
  });

  afterEach(() => {
    // No page may reach beyond hookgate, or fail in the browser, whatever a test did.
    for (const { foreignRequests, errors } of opened) {
      expect(foreignRequests).toEqual([]);
      expect(errors).toEqual([]);
    }
    opened = [];
  });

  async function signedIn(key = app.adminKey): Promise<Page> {
    const watched = await openPage(await browser(), app.url);
    opened.push(watched);
    const { page } = watched;
    await page.goto(`${app.url}/console/`);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }

  /** The log row of one delivery (its id is the row's link). */
  const rowOf = (page: Page, deliveryId: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name: deliveryId }) });

  it("shows a source change's delivery settle to SUCCEEDED by itself, its attempt and headers, and Redeliver sends it again with the same webhook-id", async () => {
    const { group, eventId } = await createScopedGroup(app, receiver, "/orders");
    let answer = () => {};
    receiver.answerNext({ status: 200, body: '{"ok":true}', until: new Promise<void>((resolve) => (answer = resolve)) });
    const page = await signedIn();

    const order = await createOrder(app, eventId);
    const [deliveryId] = await waitForDeliveryIds(app, { orderId: order.id });
    await page.goto(`${app.url}/console/deliveries`);
    const row = rowOf(page, deliveryId!);
    // The partner has not answered yet: the delivery is under way, and the log says so.
    await expect.poll(() => row.getByRole("cell").first().textContent()).toMatch(/PENDING|RETRYING/);
    expect(await row.getByRole("link", { name: group.name }).getAttribute("href")).toBe(`/console/groups/${group.id}`);
    answer();
    // No reload: the log refreshes itself while a delivery it shows is under way.
    await expect.poll(() => row.getByRole("cell").first().textContent(), { timeout: 10_000 }).toBe("SUCCEEDED");
    expect(await row.textContent()).toContain("ORDER_CREATED");
    await picture(page, "log");

    await row.getByRole("cell").nth(1).click();
    await page.waitForURL(`**/console/deliveries/${deliveryId}`);
    await page.getByRole("article", { name: "Attempt 1" }).waitFor();
    const first = page.getByRole("article", { name: "Attempt 1" });
    expect(await first.textContent()).toContain("HTTP 200");
    expect(await first.getByRole("table", { name: "Request headers of attempt 1" }).textContent()).toContain(`webhook-id${deliveryId}`);
    expect(await page.getByLabel("Pretty-printed payload").textContent()).toContain(order.id);
    await page.getByRole("button", { name: "Raw body" }).click();
    expect(await page.getByLabel("Raw payload").textContent()).toBe(requestsTo(receiver, "/orders")[0]!.body);
    await picture(page, "delivery");

    await page.getByRole("button", { name: "Redeliver" }).click();
    expect(await page.getByRole("status").textContent()).toContain(`A new attempt is queued with the same webhook-id ${deliveryId}`);
    const [once, again] = await waitForPath(receiver, "/orders", 2);
    expect(again!.headers["webhook-id"]).toBe(deliveryId);
    expect(again!.headers["webhook-id"]).toBe(once!.headers["webhook-id"]);
    expect(again!.body).toBe(once!.body);
    // The page follows the new attempt until it lands.
    await page.getByRole("article", { name: "Attempt 2" }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole("article").count()).toBe(2);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Attempt 2 was answered 200");
    await picture(page, "redelivered");
  });

  it("sends a test delivery to the group's endpoint, refusing a payload that is not JSON before sending", async () => {
    const { group } = await createScopedGroup(app, receiver, "/tests", ["ORDER_CREATED", "ORDER_CANCELLED"]);
    const page = await signedIn();
    await page.goto(`${app.url}/console/deliveries?group=${group.id}`);
    await page.getByRole("link", { name: group.name }).waitFor();

    await page.getByLabel("Hook type").selectOption("ORDER_CANCELLED");
    await page.getByLabel("Payload (JSON, optional)").fill('{"hello": console}');
    await page.getByRole("button", { name: "Send test delivery" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("not valid JSON");
    expect(requestsTo(receiver, "/tests")).toEqual([]);

    await page.getByLabel("Payload (JSON, optional)").fill('{"hello": "console"}');
    await page.getByRole("button", { name: "Send test delivery" }).click();
    const queued = page.getByRole("status").filter({ hasText: "Test delivery queued:" });
    await queued.waitFor();
    const deliveryId = (await queued.getByRole("link").textContent())!;
    const [received] = await waitForPath(receiver, "/tests");
    expect(received!.body).toBe('{"hello":"console"}');
    expect(received!.headers["webhook-id"]).toBe(deliveryId);
    // The log shows it, marked as a test, and settles by itself.
    const row = rowOf(page, deliveryId);
    await expect.poll(() => row.getByRole("cell").first().textContent(), { timeout: 10_000 }).toBe("SUCCEEDED");
    expect(await row.textContent()).toContain("ORDER_CANCELLED");
    expect(await row.textContent()).toContain("test");
    await picture(page, "group-log");

    await queued.getByRole("link").click();
    await page.getByRole("article", { name: "Attempt 1" }).waitFor();
    expect(await page.locator(".facts").textContent()).toContain("yes — made by Send test delivery");
  });

  it("finds a FAILED delivery with the status filter and Recover failed queues it again", async () => {
    const { group, eventId } = await createScopedGroup(app, receiver, "/down");
    const order = await createOrder(app, eventId);
    const [deliveryId] = await waitForDeliveryIds(app, { orderId: order.id });
    // Three rounds (the first attempt and two retries), all answered 500.
    await waitForPath(receiver, "/down", 3);
    const page = await signedIn();
    await page.goto(`${app.url}/console/deliveries?group=${group.id}`);
    await page.getByLabel("Status", { exact: true }).selectOption("SUCCEEDED");
    await page.getByText("No delivery matches these filters.").waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption("FAILED");
    const row = rowOf(page, deliveryId!);
    await expect.poll(() => row.getByRole("cell").first().textContent(), { timeout: 10_000 }).toBe("FAILED");
    expect(new URL(page.url()).searchParams.get("status")).toBe("FAILED");
    expect(await page.getByRole("row").count()).toBe(2); // the header and the one FAILED delivery
    await page.getByLabel("Type", { exact: true }).selectOption("ORDER_CANCELLED");
    await page.getByText("No delivery matches these filters.").waitFor();
    await page.getByLabel("Type", { exact: true }).selectOption("");

    await page.getByRole("button", { name: "Recover failed" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Queued" }).textContent()).toBe("Queued 1 failed delivery again");
    // Queued again: the partner hears from hookgate once more, with the same webhook-id.
    const [, , , recovered] = await waitForPath(receiver, "/down", 4);
    expect(recovered!.headers["webhook-id"]).toBe(deliveryId);
    await picture(page, "failed");

    // No longer FAILED while it is retried: the whole log shows it again, with its new attempts.
    await page.getByLabel("Status", { exact: true }).selectOption("");
    await expect.poll(() => row.getByRole("cell").nth(3).textContent(), { timeout: 10_000 }).not.toBe("3");
    await row.getByRole("cell").nth(1).click();
    const attempt = page.getByRole("article", { name: "Attempt 1" });
    await attempt.waitFor();
    expect(await attempt.textContent()).toContain("HTTP 500");
    expect(await attempt.getByLabel("Response body of attempt 1").textContent()).toBe("down for maintenance");
    await picture(page, "failed-delivery");
  });

  it("shows a viewer key the log and the delivery with no write action at all", async () => {
    const { group, eventId } = await createScopedGroup(app, receiver, "/viewer");
    const order = await createOrder(app, eventId);
    const [deliveryId] = await waitForDeliveryIds(app, { orderId: order.id });
    await waitForPath(receiver, "/viewer");
    const { createApiKey } = await graphqlData<{ createApiKey: { apiKey: string } }>(
      app,
      "mutation { createApiKey(role: VIEWER) { apiKey } }",
    );
    const page = await signedIn(createApiKey.apiKey);

    await page.goto(`${app.url}/console/deliveries?group=${group.id}`);
    await rowOf(page, deliveryId!).waitFor();
    for (const name of ["Send test delivery", "Recover failed"]) expect(await page.getByRole("button", { name }).count(), name).toBe(0);
    expect(await page.getByLabel("Hook type").count()).toBe(0);
    await picture(page, "viewer-log");

    await rowOf(page, deliveryId!).getByRole("link", { name: deliveryId }).click();
    await page.getByRole("article", { name: "Attempt 1" }).waitFor();
    expect(await page.getByRole("button", { name: "Redeliver" }).count()).toBe(0);
  });

  it("pages through a long log with its cursor, newest first", async () => {
    const { group } = await createScopedGroup(app, receiver, "/many");
    const sent: string[] = [];
    for (let index = 0; index < 27; index++) {
      const { sendTestDelivery } = await graphqlData<{ sendTestDelivery: { id: string } }>(
        app,
        "mutation ($groupId: ID!, $payload: JSON) { sendTestDelivery(groupId: $groupId, hookType: ORDER_CREATED, payload: $payload) { id } }",
        { groupId: group.id, payload: { index } },
      );
      sent.push(sendTestDelivery.id);
    }
    const page = await signedIn();
    await page.goto(`${app.url}/console/deliveries?group=${group.id}`);
    const deliveryLinks = () => page.getByRole("table").getByRole("link").allTextContents();
    await expect.poll(deliveryLinks).toEqual(sent.slice(2).reverse());
    expect(await page.getByText("27 deliveries").count()).toBe(1);
    await page.getByRole("button", { name: "Older" }).click();
    await expect.poll(deliveryLinks).toEqual(sent.slice(0, 2).reverse());
    expect(await page.getByRole("button", { name: "Older" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Newer" }).click();
    await expect.poll(deliveryLinks).toEqual(sent.slice(2).reverse());
  });

  it("says how far back the log reaches (HOOKGATE_RETENTION, 30 days by default)", async () => {
    const page = await signedIn();
    await page.goto(`${app.url}/console/deliveries`);
    const reach = page.getByText(/^The log keeps /);
    await reach.waitFor();
    const keptSince = new Date(Date.now() - 30 * 86_400_000).getFullYear();
    expect(await reach.textContent()).toMatch(new RegExp(`^The log keeps 30 days: deliveries that finished before .*${keptSince}.* are deleted; deliveries in progress stay\\.$`));
  });

  it("says when a delivery does not exist", async () => {
    const page = await signedIn();
    await page.goto(`${app.url}/console/deliveries/7d0c3a5e-0000-4000-8000-000000000000`);
    await page.getByRole("heading", { name: "Delivery not found" }).waitFor();
    await page.goto(`${app.url}/console/deliveries/not-an-id`);
    await page.getByRole("heading", { name: "Delivery not found" }).waitFor();
  });
});
