/**
 * Takes the README's screenshots from the real pages: starts hookgate (embedded PostgreSQL in a
 * temporary folder, a worker), a partner on loopback (an OAuth token endpoint and a receiver),
 * makes a few real deliveries, and photographs the playground and the console in Debian's Chromium.
 *
 *   npm run screenshots                 into docs/images/
 *   npm run screenshots -- --out DIR    elsewhere (test/web/screenshots.test.ts does this)
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { startHookgate } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { buildWebApps } from "./build.js";
import { launchChromium } from "./chromium.js";

const rootDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** `databaseUrl`: an empty database to seed (the tests give one); absent: an embedded PostgreSQL of its own. */
export async function takeScreenshots(outDir: string, options: { databaseUrl?: string } = {}): Promise<string[]> {
  await buildWebApps({ ifStale: true, quiet: true });
  await fs.mkdir(outDir, { recursive: true });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hookgate-screenshots-"));
  const partner = await startPartner();
  let banner = "";
  const hookgate = await startHookgate(
    loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      HOOKGATE_DATA_DIR: dataDir,
      HOOKGATE_SECRET_KEY: randomBytes(32).toString("base64"),
      HOOKGATE_RETRY_SCHEDULE: "1s,2s",
      HOOKGATE_WORKER_POLL_INTERVAL: "100ms",
      LOG_LEVEL: "silent",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    }),
    { announce: (text) => (banner = text) },
  );
  const adminKey = /admin API key:\s+(\S+)/.exec(banner)?.[1] ?? "";
  const url = hookgate.url;
  if (url === null) throw new Error("hookgate started without its API");
  const browser = await launchChromium();
  const taken: string[] = [];
  try {
    const api = apiClient(url, adminKey);
    const seeded = await seed(api, partner.url);
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const shoot = async (name: string) => {
      const file = path.join(outDir, `${name}.png`);
      await page.screenshot({ path: file });
      taken.push(file);
    };
    await signIn(page, url, adminKey);
    await page.goto(`${url}/console/`);
    await page.getByRole("link", { name: seeded.groupName }).waitFor();
    await shoot("console-groups");
    await page.goto(`${url}/console/groups/${seeded.groupId}`);
    await page.locator("td .status-SUCCEEDED, .status-SUCCEEDED").first().waitFor();
    await shoot("console-group");
    await page.goto(`${url}/console/deliveries/${seeded.deliveryId}`);
    await page.locator("td .status-SUCCEEDED, .status-SUCCEEDED").first().waitFor();
    await shoot("console-delivery");
    await page.goto(`${url}/console/compose`);
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByRole("region", { name: "Payload preview" }).getByText("Summer Fest").first().waitFor();
    await shoot("console-composer");
    // The same tab: the playground finds the console's key, and the newest event for its preview.
    await page.goto(`${url}/graphql`);
    await page.locator('.monaco-editor[data-uri$="operation.graphql"]').getByText("EventsAndOrders").first().waitFor();
    await page.getByRole("tab", { name: "PreviewHookPayload" }).click();
    // The playground writes the newest event's id into the tab's variables once it has asked for
    // it: run before that, the preview names no event and Summer Fest never comes.
    await page.locator(".graphiql-editor-tools").getByRole("button", { name: "Variables", exact: true }).click();
    await page.locator('.monaco-editor[data-uri$="variables.json"]').getByText(seeded.eventId).first().waitFor();
    await page.getByRole("button", { name: /^Execute query/ }).click();
    await page.locator('.monaco-editor[data-uri$="response.json"]').getByText("Summer Fest").first().waitFor();
    await page.getByRole("button", { name: "Show GraphiQL Explorer" }).click();
    await page.locator(".graphiql-plugin").getByText("webhookGroups", { exact: true }).first().waitFor();
    await shoot("playground");
  } finally {
    await browser.close();
    await hookgate.stop();
    await partner.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  return taken;
}

async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

type Api = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;

function apiClient(url: string, key: string): Api {
  return async (query, variables = {}) => {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

/** An event, two orders, a group with an origin query to the partner, and its deliveries settled. */
async function seed(api: Api, partnerUrl: string) {
  const groupName = "Ticket shop partner";
  const created = await api(
    `mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { webhookGroup { id } } }`,
    {
      input: {
        name: groupName,
        description: "Events and orders for the ticket shop",
        hooks: [
          {
            type: "EVENT_CREATED",
            endpoint: `${partnerUrl}/webhooks`,
            origin: {
              body: JSON.stringify({
                operationName: "EventShort",
                variables: { id: "%EVENT_ID%" },
                query: "query EventShort($id: ID!) { event(id: $id) { id title startDate endDate } }",
              }),
            },
          },
          { type: "ORDER_CREATED", endpoint: `${partnerUrl}/webhooks` },
        ],
        authentication: { endpoint: `${partnerUrl}/oauth/token`, credentials: { clientId: "doo", clientSecret: "partner-secret" } },
      },
    },
  );
  const groupId: string = created.createWebhookGroup.webhookGroup.id;
  await api(`mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { webhookGroup { id } } }`, {
    input: { name: "Warehouse (endpoint down)", hooks: [{ type: "ORDER_CREATED", endpoint: `${partnerUrl}/down` }] },
  });
  const event = await api(`mutation { createEvent(input: { title: "Summer Fest", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`);
  for (const total of [42, 118.5]) {
    await api(`mutation ($id: ID!, $total: Float!) { createOrder(input: { eventId: $id, total: $total, currency: "EUR" }) { id } }`, {
      id: event.createEvent.id,
      total,
    });
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const log = await api(`query ($id: ID!) { webhookGroup(id: $id) { deliveries(first: 10) { edges { node { id status type } } } } }`, { id: groupId });
    const deliveries: { id: string; status: string; type: string }[] = log.webhookGroup.deliveries.edges.map((edge: any) => edge.node);
    const settled = deliveries.length === 3 && deliveries.every((delivery) => delivery.status === "SUCCEEDED");
    const eventDelivery = deliveries.find((delivery) => delivery.type === "EVENT_CREATED");
    if (settled && eventDelivery) return { groupId, groupName, deliveryId: eventDelivery.id, eventId: event.createEvent.id as string };
    if (Date.now() > deadline) throw new Error(`deliveries did not settle: ${JSON.stringify(deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A partner on loopback: a client-credentials token endpoint, a receiver, and an endpoint that is down. */
async function startPartner(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.url === "/oauth/token") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 3600 }));
      } else if (request.url === "/down") {
        response.writeHead(503, { "content-type": "text/plain" });
        response.end("maintenance\n");
      } else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end('{"received":true}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const outIndex = process.argv.indexOf("--out");
  const outDir = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] ?? "" : path.join(rootDir, "docs", "images"));
  takeScreenshots(outDir).then(
    (files) => {
      for (const file of files) console.log(`hookgate: ${path.relative(process.cwd(), file)}`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
