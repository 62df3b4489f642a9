import { storedApiKey } from "../shared/api-key-storage.js";
import { apiKeyHeader } from "./api-key-header.js";
import type { ExampleIds } from "./example-tabs.js";

const noIds: ExampleIds = { eventId: null, deliveryId: null };

const newestIdsQuery = `query PlaygroundExampleIds {
  events(first: 1) { edges { node { id } } }
  deliveries(first: 1) { edges { node { id } } }
}`;

interface NewestIds {
  data?: {
    events?: { edges: Array<{ node: { id: string } }> };
    deliveries?: { edges: Array<{ node: { id: string } }> };
  };
}

/**
 * The newest event and delivery of the caller's organization, asked for once as the playground
 * opens when the tab already holds a key (signed in to the console, or a key used here before).
 * Without a key, or when anything fails, the tabs open with placeholders and say where ids are.
 */
export async function fetchExampleIds(): Promise<ExampleIds> {
  const key = storedApiKey();
  if (!key) return noIds;
  try {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", [apiKeyHeader]: key },
      body: JSON.stringify({ query: newestIdsQuery }),
    });
    if (!response.ok) return noIds;
    const { data } = (await response.json()) as NewestIds;
    return {
      eventId: data?.events?.edges[0]?.node.id ?? null,
      deliveryId: data?.deliveries?.edges[0]?.node.id ?? null,
    };
  } catch {
    return noIds;
  }
}
