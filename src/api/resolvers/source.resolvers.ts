import { createEventGuide } from "../../source/event-guides.js";
import { changeEvent, createEvent, removeEvent } from "../../source/events.js";
import { cancelOrder, changeOrder, createOrder, removeOrder } from "../../source/orders.js";
import { pageEventGuides } from "../../store/event-guide.repository.js";
import { pageEvents } from "../../store/event.repository.js";
import { isUuid } from "../../store/ids.js";
import { pageOrders } from "../../store/order.repository.js";
import { pageRequest } from "../../store/pagination.js";
import { requireAdmin, requireReader } from "../access.js";
import { toConnection } from "../connection.js";
import type { Resolvers } from "../generated/resolvers.js";

// Lookups by id answer null for an id of another organization, exactly as for an unknown one.
export const sourceResolvers: Resolvers = {
  Query: {
    event: (_, { id }, context) => {
      requireReader(context);
      return isUuid(id) ? context.loaders.event.load(id) : null;
    },
    events: async (_, args, context) => {
      const { organizationId } = requireReader(context);
      const page = await pageEvents(context.services.db, organizationId, { includeRemoved: args.includeRemoved }, pageRequest(args));
      return toConnection(page);
    },
    order: (_, { id }, context) => {
      requireReader(context);
      return isUuid(id) ? context.loaders.order.load(id) : null;
    },
    orders: async (_, args, context) => {
      const { organizationId } = requireReader(context);
      // An event of another organization simply has no orders here.
      if (args.eventId && !isUuid(args.eventId)) return toConnection({ rows: [], cursors: [], totalCount: 0, hasNextPage: false });
      const filter = { eventId: args.eventId ?? undefined, includeRemoved: args.includeRemoved };
      return toConnection(await pageOrders(context.services.db, organizationId, filter, pageRequest(args)));
    },
    eventGuide: (_, { id }, context) => {
      requireReader(context);
      return isUuid(id) ? context.loaders.eventGuide.load(id) : null;
    },
    eventGuides: async (_, args, context) => {
      const { organizationId } = requireReader(context);
      return toConnection(await pageEventGuides(context.services.db, organizationId, pageRequest(args)));
    },
  },
  EventGuide: {
    createdAt: (row) => row.created_at,
    events: async (guide, args, { services }) => {
      const filter = { eventGuideId: guide.id, includeRemoved: false };
      return toConnection(await pageEvents(services.db, guide.organization_id, filter, pageRequest(args)));
    },
  },
  Event: {
    startDate: (row) => row.start_date,
    endDate: (row) => row.end_date,
    status: (row) => (row.removed_at ? "REMOVED" : "ACTIVE"),
    eventGuide: (row, _, { loaders }) => (row.event_guide_id ? loaders.eventGuide.load(row.event_guide_id) : null),
    orders: async (row, args, { services }) => {
      const filter = { eventId: row.id, includeRemoved: false };
      return toConnection(await pageOrders(services.db, row.organization_id, filter, pageRequest(args)));
    },
    organization: async (row, _, { loaders }) => {
      const organization = await loaders.organization.load(row.organization_id);
      if (!organization) throw new Error(`organization of event ${row.id} is missing`);
      return organization;
    },
    createdAt: (row) => row.created_at,
    updatedAt: (row) => row.updated_at,
    removedAt: (row) => row.removed_at,
  },
  Order: {
    status: (row) => (row.removed_at ? "REMOVED" : row.cancelled_at ? "CANCELLED" : "OPEN"),
    total: (row) => Number(row.total),
    event: async (row, _, { loaders }) => {
      const event = await loaders.event.load(row.event_id);
      if (!event) throw new Error(`event of order ${row.id} is missing`);
      return event;
    },
    createdAt: (row) => row.created_at,
    updatedAt: (row) => row.updated_at,
    cancelledAt: (row) => row.cancelled_at,
    removedAt: (row) => row.removed_at,
  },
  Mutation: {
    createEventGuide: (_, { input }, context) =>
      createEventGuide(context.services, requireAdmin(context).organizationId, input),
    createEvent: (_, { input }, context) => createEvent(context.services, requireAdmin(context).organizationId, input),
    updateEvent: (_, { id, input }, context) =>
      changeEvent(context.services, requireAdmin(context).organizationId, id, input),
    removeEvent: (_, { id }, context) => removeEvent(context.services, requireAdmin(context).organizationId, id),
    createOrder: (_, { input }, context) => createOrder(context.services, requireAdmin(context).organizationId, input),
    updateOrder: (_, { id, input }, context) =>
      changeOrder(context.services, requireAdmin(context).organizationId, id, input),
    cancelOrder: (_, { id }, context) => cancelOrder(context.services, requireAdmin(context).organizationId, id),
    removeOrder: (_, { id }, context) => removeOrder(context.services, requireAdmin(context).organizationId, id),
  },
};
