/** The GraphQL documents the delivery pages send, and the shapes they answer (schema/delivery.graphql). */

import type { DeliveryStatus, HookType } from "../../api/enums.js";

export { type DeliveryStatus, deliveryStatuses, type HookType, hookTypes } from "../../api/enums.js";

/** A delivery still has attempts coming: pages that show one refresh until it settles. */
export const isInProgress = (status: DeliveryStatus) => status === "PENDING" || status === "RETRYING";

export interface DeliveryRow {
  id: string;
  type: HookType;
  status: DeliveryStatus;
  test: boolean;
  attemptCount: number;
  createdAt: string;
  nextAttemptAt: string | null;
  webhookGroupId: string;
  webhookGroup: { id: string; name: string } | null;
}

export interface DeliveryPageData {
  deliveries: {
    totalCount: number;
    edges: Array<{ node: DeliveryRow }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    /** How long a finished delivery is kept ("30 days"); null: every delivery is kept. */
    logRetention: string | null;
    /** Deliveries that finished before this are deleted; null: none are. */
    logKeptSince: string | null;
  };
}

export interface DeliveryFilter {
  groupId?: string;
  status?: DeliveryStatus;
  type?: HookType;
}

export const deliveriesQuery = /* GraphQL */ `
  query ConsoleDeliveries($filter: DeliveryFilter, $first: Int, $after: String) {
    deliveries(filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        node {
          id
          type
          status
          test
          attemptCount
          createdAt
          nextAttemptAt
          webhookGroupId
          webhookGroup {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      logRetention
      logKeptSince
    }
  }
`;

export interface Attempt {
  number: number;
  startedAt: string;
  durationMs: number;
  requestMethod: string;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseBodyTruncated: boolean;
  error: string | null;
  note: string | null;
}

export interface DeliveryDetail extends DeliveryRow {
  hookId: string;
  eventId: string | null;
  orderId: string | null;
  eventGuideId: string | null;
  occurredAt: string;
  finishedAt: string | null;
  payload: string | null;
  payloadErrors: unknown;
  attempts: Attempt[];
}

/** The most attempts the API lists at once; `attemptCount` tells when there were more. */
export const attemptsShown = 100;

const deliveryDetailFields = /* GraphQL */ `
  id
  type
  status
  test
  attemptCount
  createdAt
  nextAttemptAt
  finishedAt
  occurredAt
  webhookGroupId
  webhookGroup {
    id
    name
  }
  hookId
  eventId
  orderId
  eventGuideId
  payload
  payloadErrors
  attempts(last: ${attemptsShown}) {
    number
    startedAt
    durationMs
    requestMethod
    requestUrl
    requestHeaders
    responseStatus
    responseHeaders
    responseBody
    responseBodyTruncated
    error
    note
  }
`;

export const deliveryQuery = /* GraphQL */ `
  query ConsoleDelivery($id: ID!) {
    delivery(id: $id) { ${deliveryDetailFields} }
  }
`;

export const redeliverMutation = /* GraphQL */ `
  mutation ConsoleRedeliver($deliveryId: ID!) {
    redeliver(deliveryId: $deliveryId) { ${deliveryDetailFields} }
  }
`;

export const groupHookTypesQuery = /* GraphQL */ `
  query ConsoleGroupHookTypes($id: ID!) {
    webhookGroup(id: $id) {
      id
      hooks {
        type
      }
    }
  }
`;

export const sendTestDeliveryMutation = /* GraphQL */ `
  mutation ConsoleSendTestDelivery($groupId: ID!, $hookType: HookType!, $payload: JSON) {
    sendTestDelivery(groupId: $groupId, hookType: $hookType, payload: $payload) {
      id
    }
  }
`;

export const recoverDeliveriesMutation = /* GraphQL */ `
  mutation ConsoleRecoverDeliveries($groupId: ID!, $since: DateTime!, $until: DateTime) {
    recoverDeliveries(groupId: $groupId, since: $since, until: $until)
  }
`;

/** react-query keys: every delivery list starts with this, so one invalidation refreshes them all. */
export const deliveriesKey = ["deliveries"] as const;
export const deliveryKey = (id: string) => ["delivery", id] as const;
