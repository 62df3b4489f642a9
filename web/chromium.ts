import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Nothing here downloads a browser. */
export const chromiumPath = process.env.HOOKGATE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * The flags a closed network needs: without the background-networking ones Chromium keeps
 * opening connections to Google's hosts, which would also spoil the "no request leaves the
 * origin" checks of the browser tests.
 */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}
