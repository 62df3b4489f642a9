import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/index.js";
import { openPage, useBrowser } from "../support/browser.js";
import { createEvent, createViewerKey } from "../support/fixtures.js";
import { waitForPath } from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";

// A first-time integrator's path through the console, end to end: sign in, paste doo's
// configuration, see a real change delivered (OAuth token, signature, origin payload), redeliver,
// and hand a read-only key to a colleague.
describe("from sign-in to a redelivered webhook, in the console", () => {
  const app = useTestApp({}, { worker: true });
  const partner = useReceiver();
  const tokens = useTokenEndpoint({ clientSecret: "partner-client-secret" });
  const browser = useBrowser();

  it("signs in, creates a group from doo JSON, shows the change's delivery SUCCEEDED, and Redeliver repeats its webhook-id", async () => {
    const { page, foreignRequests, errors } = await openPage(await browser(), app.url);
    await page.goto(`${app.url}/`);
    await page.getByLabel("API key").fill("hg_typo");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("did not accept this API key");
    await page.getByLabel("API key").fill(app.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();

    // doo's AddWebhook object as an integrator has it: snake_case, the origin body not escaped.
    await page.getByRole("link", { name: "New webhook group" }).click();
    await page.getByRole("tab", { name: "Paste doo JSON" }).click();
    await page.getByLabel("doo JSON").fill(
      JSON.stringify(
        {
          name: "Ticket shop",
          hooks: [
            {
              type: "event_created",
              method: "POST",
              endpoint: `${partner.url}/doo-webhooks`,
              origin: {
                method: "POST",
                body: { operationName: "EventShort", variables: { id: "%EVENT_ID%" }, query: "query EventShort($id: ID!) { event(id: $id) { title } }" },
              },
            },
          ],
          authentication: {
            grant_type: "client_credentials",
            endpoint: tokens.url,
            credentials: { client_id: "doo", client_secret: "partner-client-secret" },
            header_format: "Authorization",
            header_value_format: "Bearer %ACCESS_TOKEN%",
          },
        },
        null,
        2,
      ),
    );
    await page.getByRole("button", { name: "Create from doo JSON" }).click();
    const signingSecret = (await page.getByLabel("Signing secret value").textContent()) ?? "";
    expect(signingSecret).toMatch(/^whsec_/);
    await page.getByRole("link", { name: "Ticket shop" }).first().click();
    await page.getByRole("button", { name: "Rotate signing secret" }).waitFor();

    // A change in the source: the partner receives the origin's payload, authenticated and signed.
    await createEvent(app, { title: "Summer Fest" });
    const [received] = await waitForPath(partner, "/doo-webhooks");
    expect(JSON.parse(received!.body)).toEqual({ data: { event: { title: "Summer Fest" } } });
    expect(received!.headers.authorization).toBe("Bearer token-1");
    const deliveryId = received!.headers["webhook-id"] as string;
    expect(verifyWebhook({ secret: signingSecret, headers: received!.headers as Record<string, string>, body: received!.body }).id).toBe(deliveryId);

    // The group's log shows it settled, by itself; the delivery page shows the attempt.
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: deliveryId }) });
    await expect.poll(() => row.getByRole("cell").first().textContent(), { timeout: 15_000 }).toBe("SUCCEEDED");
    await row.getByRole("link", { name: deliveryId }).click();
    await page.getByRole("article", { name: "Attempt 1" }).waitFor();
    expect(await page.getByRole("article", { name: "Attempt 1" }).textContent()).not.toContain("token-1");

    await page.getByRole("button", { name: "Redeliver" }).click();
    const [, again] = await waitForPath(partner, "/doo-webhooks", 2);
    expect(again!.headers["webhook-id"]).toBe(deliveryId);
    expect(again!.body).toBe(received!.body);
    await page.getByRole("article", { name: "Attempt 2" }).waitFor({ timeout: 10_000 });
    expect(foreignRequests).toEqual([]);
    expect(errors.filter((error) => !error.includes("401"))).toEqual([]);
  });

  it("shows a viewer key the same group and delivery with no write action", async () => {
    const viewerKey = await createViewerKey(app);
    const { page, foreignRequests } = await openPage(await browser(), app.url);
    await page.goto(`${app.url}/console/`);
    await page.getByLabel("API key").fill(viewerKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.locator("header").textContent()).toContain("viewer (read-only)");
    await page.getByRole("link", { name: "Ticket shop" }).click();
    await page.getByRole("row").filter({ hasText: "SUCCEEDED" }).first().waitFor();
    const writeButtons = /Disable|Enable|Rotate signing secret|Copy and edit|Delete|Send test delivery|Recover failed|Redeliver/;
    expect(await page.getByRole("button", { name: writeButtons }).count()).toBe(0);
    await page.getByRole("row").filter({ hasText: "SUCCEEDED" }).first().getByRole("link").last().click();
    await page.getByRole("article", { name: /Attempt/ }).first().waitFor();
    expect(await page.getByRole("button", { name: writeButtons }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "New webhook group" }).count()).toBe(0);
    expect(foreignRequests).toEqual([]);
  });
});
