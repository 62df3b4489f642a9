import { createEventGuide } from "../../source/event-guides.js";
import { changeEvent, createEvent, removeEvent } from "../../source/events.js";
import { cancelOrder, changeOrder, createOrder, removeOrder } from "../../source/orders.js";
import { pageEventGuides } from "../../store/event-guide.repository.js";
import { pageEvents } from "../../store/event.repository.js";
import { isUuid } from "../../store/ids.js";
import { pageOrders } from "../../store/order.repository.js";
import { pageRequest } from "../../store/pagination.js";
import { requirePublisher, requireReader } from "../access.js";
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
  // A change publishes to the groups of the changing key's mode; limited keys change nothing here.
  Mutation: {
    createEventGuide: (_, { input }, context) =>
      createEventGuide(context.services, requirePublisher(context).organizationId, input),
    createEvent: (_, { input }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return createEvent(context.services, organizationId, input, mode);
    },
    updateEvent: (_, { id, input }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return changeEvent(context.services, organizationId, id, input, mode);
    },
    removeEvent: (_, { id }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return removeEvent(context.services, organizationId, id, mode);
    },
    createOrder: (_, { input }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return createOrder(context.services, organizationId, input, mode);
    },
    updateOrder: (_, { id, input }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return changeOrder(context.services, organizationId, id, input, mode);
    },
    cancelOrder: (_, { id }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return cancelOrder(context.services, organizationId, id, mode);
    },
    removeOrder: (_, { id }, context) => {
      const { organizationId, mode } = requirePublisher(context);
      return removeOrder(context.services, organizationId, id, mode);
    },
  },
};
