import type { GraphiQLProps } from "graphiql";

/** Real ids for the example tabs' variables, so they run as they are; null where there is none (yet). */
export interface ExampleIds {
  readonly eventId: string | null;
  readonly deliveryId: string | null;
}

/**
 * The operations the playground opens with, one tab each, in the order an integrator meets them:
 * find an event, hook a group to it, see the payload it would get, watch deliveries, resend one.
 * Each tab's title is its operation's name; each starts with a comment saying what it does.
 * GraphiQL uses them only for a browser tab that has no playground tabs of its own yet.
 */
export function exampleTabs(ids: ExampleIds, headers: string): TabDefinition[] {
  const eventId = ids.eventId ?? "<an event's id: run the EventsAndOrders tab and copy one>";
  const deliveryId = ids.deliveryId ?? "<a delivery's id: run the DeliveriesWithAttempts tab and copy one>";
  return [
    { query: eventsAndOrders, variables: json({ first: 5 }), headers },
    { query: createGroupWithOrigin, variables: json({ input: exampleGroup }), headers },
    { query: previewHookPayload, variables: json({ eventId, origin: { body: eventShortOrigin } }), headers },
    { query: deliveriesWithAttempts, variables: json({ filter: {}, first: 10 }), headers },
    { query: redeliver, variables: json({ deliveryId }), headers },
  ];
}

/** An origin body as hookgate stores it: a JSON-encoded GraphQL request, built here so nobody escapes it by hand. */
const eventShortOrigin = JSON.stringify({
  operationName: "EventShort",
  variables: { id: "%EVENT_ID%" },
  query: "query EventShort($id: ID!) { event(id: $id) { id title startDate endDate status eventGuide { name } } }",
});

const exampleGroup = {
  name: "Partner: event changes",
  description: "Created from the playground's example",
  hooks: [
    { type: "EVENT_CREATED", method: "POST", endpoint: "https://partner.example/webhooks/hookgate", origin: { body: eventShortOrigin } },
    { type: "EVENT_UPDATED", method: "POST", endpoint: "https://partner.example/webhooks/hookgate", origin: { body: eventShortOrigin } },
  ],
};

const eventsAndOrders = `# Events and orders: your organization's newest events,
# each with its orders. The other tabs' variables need
# their ids. If the playground knew your key when it opened
# (you signed in to the console, or used a key here before),
# it filled in your newest event and delivery already.
query EventsAndOrders($first: Int) {
  events(first: $first) {
    totalCount
    edges {
      node {
        id
        title
        startDate
        status
        orders(first: 5) {
          edges {
            node {
              id
              hash
              status
              total
              currency
            }
          }
        }
      }
    }
  }
}
`;

const createGroupWithOrigin = `# Creates a webhook group for the whole organization. Its
# hooks send, on EVENT_CREATED and EVENT_UPDATED, the answer
# of an origin query: a GraphQL request hookgate runs against
# its built-in schema at delivery, %EVENT_ID% replaced by the
# event's id. The origin's body is a JSON-encoded request:
# the variables hold it escaped already.
# signingSecret is shown only in this answer: keep it to
# verify the deliveries' signatures.
mutation CreateGroupWithOrigin($input: CreateWebhookGroupInput!) {
  createWebhookGroup(input: $input) {
    webhookGroup {
      id
      name
      hooks {
        id
        type
        endpoint
        origin {
          body
        }
      }
    }
    signingSecret
  }
}
`;

const previewHookPayload = `# Builds the payload an EVENT_UPDATED hook would send for a
# real event, and sends nothing: the origin query in the
# variables runs as it would at delivery, %EVENT_ID% replaced.
# Leave out "origin" to see the default payload.
# $eventId: your newest event, if the playground knew your
# key when it opened; the EventsAndOrders tab lists others.
query PreviewHookPayload($eventId: ID!, $origin: OriginInput) {
  previewHookPayload(input: { hookType: EVENT_UPDATED, eventId: $eventId, origin: $origin }) {
    payload
    body
    errors
  }
}
`;

const deliveriesWithAttempts = `# Lists the newest deliveries with their attempts: the
# request's headers (secrets redacted), the endpoint's status
# and answer, and why an attempt failed. Filter by groupId,
# status (PENDING, RETRYING, SUCCEEDED, FAILED, GONE), type,
# eventId or orderId.
query DeliveriesWithAttempts($filter: DeliveryFilter, $first: Int) {
  deliveries(filter: $filter, first: $first) {
    totalCount
    edges {
      node {
        id
        type
        status
        attemptCount
        createdAt
        webhookGroup {
          name
        }
        attempts(last: 5) {
          number
          startedAt
          requestUrl
          requestHeaders
          responseStatus
          responseBody
          error
        }
      }
    }
  }
}
`;

const redeliver = `# Sends a finished delivery (SUCCEEDED, FAILED or GONE) again
# now: the stored payload, the same webhook-id header, one new
# attempt. $deliveryId: your newest delivery, if the
# playground knew your key when it opened; the
# DeliveriesWithAttempts tab lists others. Admin keys only.
mutation Redeliver($deliveryId: ID!) {
  redeliver(deliveryId: $deliveryId) {
    id
    status
    attemptCount
    attempts(last: 1) {
      number
      responseStatus
      error
    }
  }
}
`;

type TabDefinition = NonNullable<GraphiQLProps["defaultTabs"]>[number];

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
