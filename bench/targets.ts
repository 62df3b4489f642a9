import type { Services } from "../src/services.js";
import { createOrganization } from "../src/organizations/organizations.js";
import { insertEvent } from "../src/store/event.repository.js";
import { createWebhookGroup } from "../src/webhook-groups/create-webhook-group.js";
import type { ReceiverHandle } from "./receiver-handle.js";
import type { TokenEndpoint } from "./token-endpoint.js";

/**
 * The doo seed's `EventShort` origin query plus a few fields, run in-process on the built-in schema.
 */
export const originBody = JSON.stringify({
  operationName: "EventShort",
  variables: { id: "%EVENT_ID%" },
  query: "query EventShort($id: ID!) {\n event(id: $id) {\n id\n title\n startDate\n endDate\n status\n }\n}\n",
});

/** One organization set up for one scenario: its groups all hook EVENT_UPDATED and point at `path`. */
export interface Target {
  readonly name: string;
  readonly organizationId: string;
  readonly eventIds: readonly string[];
  /** Groups = fan-out; each has its own OAuth client (one credential per group). */
  readonly groups: number;
}

export interface ScenarioSpec {
  name: string;
  /** Receiver path: /ok, /slow, /flaky. */
  path: string;
  fanOut: number;
}

/**
 * Creates each scenario's organization, its events (rows the origin query reads) and its groups,
 * through hookgate's own services: origin query validated, OAuth client secret and signing secret
 * encrypted, as the API would.
 */
export async function setUpTargets(
  services: Services,
  specs: readonly ScenarioSpec[],
  partner: { receiverUrl: string; tokenUrl: string },
): Promise<Map<string, Target>> {
  const targets = new Map<string, Target>();
  for (const spec of specs) {
    const { organization } = await createOrganization(services.db, `bench ${spec.name}`);
    const eventIds: string[] = [];
    for (let i = 0; i < 50; i++) {
      const event = await insertEvent(services.db, organization.id, {
        eventGuideId: null,
        title: `Bench event ${i + 1}`,
        description: null,
        startDate: new Date("2027-06-01T18:00:00Z"),
        endDate: new Date("2027-06-02T02:00:00Z"),
      });
      eventIds.push(event.id);
    }
    for (let g = 0; g < spec.fanOut; g++) {
      await createWebhookGroup(services, organization.id, {
        name: `${spec.name} partner ${g + 1}`,
        hooks: [{ type: "EVENT_UPDATED", endpoint: `${partner.receiverUrl}${spec.path}`, origin: { body: originBody } }],
        authentication: {
          endpoint: partner.tokenUrl,
          credentials: { clientId: `${spec.name}-partner-${g + 1}`, clientSecret: `bench-secret-${spec.name}-${g + 1}` },
        },
      });
    }
    targets.set(spec.name, { name: spec.name, organizationId: organization.id, eventIds, groups: spec.fanOut });
  }
  return targets;
}
