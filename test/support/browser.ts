import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromiumPath, launchChromium } from "../../web/chromium.js";

let browser: Promise<Browser> | undefined;

/** One headless Chromium per test file, closed after the file. */
export function useBrowser(): () => Promise<Browser> {
  afterAll(async () => {
    const running = browser;
    browser = undefined;
    if (running) await (await running).close();
  });
  return () => {
    browser ??= launch();
    return browser;
  };
}

async function launch(): Promise<Browser> {
  await fs.access(chromiumPath).catch(() => {
    throw new Error(`no Chromium at ${chromiumPath}: install Debian's package (apt-get install chromium) or set HOOKGATE_CHROMIUM`);
  });
  return launchChromium();
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every request the page made whose origin is not `origin`, as URLs. */
  readonly foreignRequests: string[];
  /** Uncaught page errors and console errors, for a failing test to show. */
  readonly errors: string[];
}

/** A fresh context (its own session storage) and page that records what it asks for beyond `origin`. */
export async function openPage(browser: Browser, origin: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  const expected = new URL(origin).origin;
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== expected) foreignRequests.push(url);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return { page, context, foreignRequests, errors };
}

/** A folder for screenshots a failing test leaves behind. */
export async function screenshotDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "hookgate-screens-"));
}
