import { randomUUID } from "node:crypto";
import { Pool } from "undici";
import { startHookgate } from "../src/app.js";
import type { Config } from "../src/config.js";
import { createOrganization } from "../src/organizations/organizations.js";
import { closedLoop } from "./limits.js";

export interface ApiRates {
  /** `publishEvent` answered per second, for an organization with no webhook group: publishing alone. */
  publishEventPerSecond: number;
  /** An authenticated `{ viewer { role } }` per second: what the API answers when it writes nothing. */
  viewerQueryPerSecond: number;
}

/**
 * Ingestion through the API: an API-only hookgate over the run's database, `connections` keep-alive
 * HTTP connections in a closed loop for `durationMs` each, first the viewer query, then
 * publishEvent. Every answer must be a 200 without errors, or the measure fails.
 */
export async function measureApi(config: Config, durationMs: number, connections = 20): Promise<ApiRates> {
  const api = await startHookgate({ ...config, host: "127.0.0.1", port: 0 }, { roles: { api: true, worker: false }, announce: () => {} });
  const pool = new Pool(api.url!, { connections });
  try {
    const { apiKey } = await createOrganization(api.services.db, "bench API");
    const ask = (body: unknown) => async () => {
      const response = await pool.request({
        path: "/graphql",
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey.key },
        body: JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode !== 200 || text.includes('"errors"')) throw new Error(`the API answered ${response.statusCode}: ${text.slice(0, 300)}`);
    };
    const viewer = await closedLoop(connections, durationMs, ask({ query: "{ viewer { role } }" }));
    const publishEvent = "mutation ($input: PublishEventInput!) { publishEvent(input: $input) { deliveryCount } }";
    const publish = await closedLoop(connections, durationMs, () =>
      ask({ query: publishEvent, variables: { input: { type: "EVENT_UPDATED", eventId: randomUUID() } } })(),
    );
    return { publishEventPerSecond: publish.perSecond, viewerQueryPerSecond: viewer.perSecond };
  } finally {
    await pool.close();
    await api.stop();
  }
}
