import { setTimeout as sleep } from "node:timers/promises";
import { ApiClient } from "./api-client.js";
import type { Partner } from "./partner.js";

/** Groups the run creates: each publication fans out to one delivery per group. */
export const groupCount = 2;

const createOrganization = `mutation ($name: String!) { createOrganization(name: $name) { organization { id } apiKey } }`;

/** The run's organization, made as an operator makes one through the API, and its admin key. */
export async function setUpOrganization(apiUrl: string, operatorToken: string): Promise<{ organizationId: string; apiKey: string }> {
  const operator = new ApiClient(apiUrl, { authorization: `Bearer ${operatorToken}` }, 1);
  try {
    const answer = await operator.request<{ createOrganization: { organization: { id: string }; apiKey: string } }>(createOrganization, {
      name: "chaos",
    });
    if (!answer.ok) throw new Error(`createOrganization failed: ${answer.problem}`);
    return { organizationId: answer.data.createOrganization.organization.id, apiKey: answer.data.createOrganization.apiKey };
  } finally {
    await operator.close();
  }
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

/** Each hooks EVENT_UPDATED to a path of the partner, with OAuth client credentials of its own. */
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
