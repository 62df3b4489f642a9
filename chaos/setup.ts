import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ApiClient } from "./api-client.js";
import type { Partner } from "./partner.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Groups the run creates: each publication fans out to one delivery per group. */
export const groupCount = 2;

/**
 * An organization made the way an operator makes one (`hookgate create-organization --json`,
 * which also migrates the new database), its admin key, and the run's groups created through
 * the API: each hooks EVENT_UPDATED to a path of the partner, with OAuth client credentials of its own.
 */
export async function setUpOrganization(env: Record<string, string>): Promise<{ organizationId: string; apiKey: string }> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/main.ts", "create-organization", "chaos", "--json"],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 120_000 },
      (error, out, err) => (error ? reject(new Error(`create-organization failed: ${err.trim() || error.message}`)) : resolve(out)),
    );
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { organizationId: string; apiKey: string };
}

export async function waitUntilHealthy(apiUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const healthy = await fetch(`${apiUrl}/health`).then((response) => response.ok, () => false);
    if (healthy) return;
    if (Date.now() > deadline) throw new Error(`the API at ${apiUrl} was not healthy within ${timeoutMs} ms`);
    await sleep(200);
  }
}

const createGroup = `mutation ($input: CreateWebhookGroupInput!) {
  createWebhookGroup(input: $input) { webhookGroup { id } signingSecret }
}`;

export async function createGroups(api: ApiClient, partner: Partner, tokenUrl: string): Promise<void> {
  for (let g = 1; g <= groupCount; g++) {
    const path = `/hooks/${g}`;
    const answer = await api.request<{ createWebhookGroup: { signingSecret: string } }>(createGroup, {
      input: {
        name: `chaos partner ${g}`,
        hooks: [{ type: "EVENT_UPDATED", endpoint: `${partner.url}${path}` }],
        authentication: { endpoint: tokenUrl, credentials: { clientId: `chaos-${g}`, clientSecret: `chaos-secret-${g}` } },
      },
    });
    if (!answer.ok) throw new Error(`createWebhookGroup failed: ${answer.problem}`);
    partner.trust(path, answer.data.createWebhookGroup.signingSecret);
  }
}
