import { formatDuration } from "../../duration.js";
import { InputError } from "../../errors.js";
import { previewHookPayload } from "../../preview/preview-hook-payload.js";
import { publishExternal } from "../../publish/publish-external.js";
import { recoverDeliveries } from "../../replay/recover-deliveries.js";
import { redeliver } from "../../replay/redeliver.js";
import { sendTestDelivery } from "../../replay/send-test-delivery.js";
import { findDelivery, listAttempts, pageDeliveries, type DeliveryFilter } from "../../store/delivery.repository.js";
import { isUuid } from "../../store/ids.js";
import { defaultPageSize, maxPageSize, pageRequest } from "../../store/pagination.js";
import { reachOf, requireAdmin, requirePublisher, requireReader } from "../access.js";
import { toConnection } from "../connection.js";
import type { DeliveryFilter as DeliveryFilterInput, Resolvers } from "../generated/resolvers.js";

// An id filter that is not a UUID can match nothing; answered as an empty page, like an unknown id.
function filterOf(input: DeliveryFilterInput | null | undefined): DeliveryFilter | null {
  const filter: DeliveryFilter = {
    groupId: input?.groupId ?? undefined,
    status: input?.status ?? undefined,
    type: input?.type ?? undefined,
    eventId: input?.eventId ?? undefined,
    orderId: input?.orderId ?? undefined,
    mode: input?.mode ?? undefined,
  };
  const ids = [filter.groupId, filter.eventId, filter.orderId].filter((id) => id !== undefined);
  return ids.every((id) => isUuid(id)) ? filter : null;
}

const emptyPage = { rows: [], cursors: [], totalCount: 0, hasNextPage: false };

export const deliveryResolvers: Resolvers = {
  Query: {
    // A read: VIEWER keys may preview; nothing is sent or written.
    previewHookPayload: (_, { input }, context) =>
      previewHookPayload(context.services, requireReader(context).organizationId, input),
    deliveries: async (_, args, context) => {
      const caller = requireReader(context);
      const filter = filterOf(args.filter);
      const request = pageRequest(args);
      const page = filter ? await pageDeliveries(context.services.db, caller.organizationId, filter, request, reachOf(caller)) : emptyPage;
      return toConnection(page);
    },
    delivery: async (_, { id }, context) => {
      const caller = requireReader(context);
      if (!isUuid(id)) return null;
      return (await findDelivery(context.services.db, caller.organizationId, id, reachOf(caller))) ?? null;
    },
  },
  WebhookGroup: {
    // The group itself was reached (webhookGroup, webhookGroups), so all of its deliveries are too.
    deliveries: async (group, args, { services }) => {
      const filter = filterOf(args.filter);
      const request = pageRequest(args);
      if (!filter) return toConnection(emptyPage);
      return toConnection(await pageDeliveries(services.db, group.organization_id, { ...filter, groupId: group.id }, request));
    },
  },
  // The same for every page: the operator's setting, read once at start.
  DeliveryConnection: {
    logRetention: (_, __, { services }) => (services.config.retentionMs === null ? null : formatDuration(services.config.retentionMs)),
    logKeptSince: (_, __, { services }) =>
      services.config.retentionMs === null ? null : new Date(Date.now() - services.config.retentionMs),
  },
  Delivery: {
    webhookGroupId: (row) => row.webhook_group_id,
    webhookGroup: (row, _, { loaders }) => loaders.webhookGroup.load(row.webhook_group_id),
    hookId: (row) => row.hook_id,
    eventId: (row) => row.event_id,
    orderId: (row) => row.order_id,
    eventGuideId: (row) => row.event_guide_id,
    occurredAt: (row) => row.occurred_at,
    test: (row) => row.is_test,
    initialization: (row) => row.initialization_id !== null,
    attemptCount: (row) => row.attempt_count,
    nextAttemptAt: (row) => (row.finished_at ? null : row.next_attempt_at),
    createdAt: (row) => row.created_at,
    finishedAt: (row) => row.finished_at,
    payloadErrors: (row) => row.payload_errors ?? null,
    attempts: (row, { last }, { services }) => listAttempts(services.db, row.id, attemptsToList(last)),
  },
  DeliveryAttempt: {
    startedAt: (row) => row.started_at,
    durationMs: (row) => row.duration_ms,
    requestMethod: (row) => row.request_method,
    requestUrl: (row) => row.request_url,
    requestHeaders: (row) => row.request_headers,
    responseStatus: (row) => row.response_status,
    responseHeaders: (row) => row.response_headers,
    responseBody: (row) => row.response_body,
    responseBodyTruncated: (row) => row.response_body_truncated,
  },
  Mutation: {
    publishEvent: (_, { input }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return publishExternal(context.services, organizationId, input, mode);
    },
    sendTestDelivery: (_, { groupId, hookType, payload }, context) => {
      const caller = requireAdmin(context);
      return sendTestDelivery(context.services, caller.organizationId, { groupId, hookType, payload }, reachOf(caller));
    },
    redeliver: (_, { deliveryId }, context) => {
      const caller = requireAdmin(context);
      return redeliver(context.services, caller.organizationId, deliveryId, reachOf(caller));
    },
    recoverDeliveries: (_, { groupId, since, until }, context) => {
      const caller = requireAdmin(context);
      return recoverDeliveries(context.services, caller.organizationId, { groupId, since, until }, reachOf(caller));
    },
  },
};

function attemptsToList(last: number | null | undefined): number {
  const count = last ?? defaultPageSize;
  if (!Number.isInteger(count) || count < 1 || count > maxPageSize) throw new InputError("last", `must be between 1 and ${maxPageSize}`);
  return count;
}
