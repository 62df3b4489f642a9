import { describe, expect, it } from "vitest";
import type { WebhookGroup } from "../../web/console/src/pages/groups/group-api.js";
import { formFromGroup, inputFromForm } from "../../web/console/src/pages/groups/group-form-state.js";

// Copy and edit, in the browser's code without a browser: what the form sends for a group left
// unchanged is that group's configuration, bar the secrets hookgate never returns.

const body = JSON.stringify({ operationName: "EventShort", variables: { id: "%EVENT_ID%" }, query: "query EventShort($id: ID!) { event(id: $id) { title } }" });

const group: WebhookGroup = {
  id: "g1",
  name: "Partner",
  description: "Orders to the partner",
  eventId: "event-1",
  eventGuideId: null,
  enabled: true,
  disabledAt: null,
  disabledReason: null,
  createdAt: "2025-01-01T00:00:00.000Z",
  hooks: [
    {
      id: "h1",
      type: "EVENT_UPDATED",
      method: "PATCH",
      endpoint: "https://partner.example/events",
      origin: { method: "PUT", endpoint: "https://origin.example/graphql", body },
      condition: { status: { $eq: "OPEN" } },
      bodyFormat: "FORM",
    },
    { id: "h2", type: "ORDER_CREATED", method: "POST", endpoint: "https://partner.example/orders", origin: null, condition: null, bodyFormat: "JSON" },
  ],
  authentication: null,
  includeData: true,
  headerNames: [],
  hasSecretKey: false,
  previousSigningSecretExpiresAt: null,
  ordered: true,
  maxRequestsPerSecond: 20,
  signature: "ED25519",
  signingPublicKey: "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
};

describe("the copy-and-edit form of a group", () => {
  it("sends the group's configuration back unchanged, its origin's method, body formats and signature scheme included", () => {
    expect(inputFromForm(formFromGroup(group))).toEqual({
      name: "Partner",
      description: "Orders to the partner",
      eventId: "event-1",
      hooks: [
        {
          type: "EVENT_UPDATED",
          method: "PATCH",
          endpoint: "https://partner.example/events",
          origin: { method: "PUT", endpoint: "https://origin.example/graphql", body },
          condition: { status: { $eq: "OPEN" } },
          bodyFormat: "FORM",
        },
        { type: "ORDER_CREATED", method: "POST", endpoint: "https://partner.example/orders" },
      ],
      includeData: true,
      ordered: true,
      maxRequestsPerSecond: 20,
      signature: "ED25519",
    });
  });
});
