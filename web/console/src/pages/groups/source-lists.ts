import { useQuery } from "@tanstack/react-query";
import { graphql } from "../../api/graphql.js";

// The built-in source's events, event guides and orders, for the pickers of the group form and
// the origin composer, and for naming a group's scope.

export interface SourceEvent {
  id: string;
  title: string;
}
export interface SourceGuide {
  id: string;
  name: string;
}
export interface SourceOrder {
  id: string;
  hash: string;
  status: string;
  event: SourceEvent;
}

/** The newest hundred of each: a picker longer than that is no longer a picker. */
const sourceListsQuery = /* GraphQL */ `
  query ConsoleSourceLists {
    events(first: 100) { edges { node { id title } } }
    eventGuides(first: 100) { edges { node { id name } } }
    orders(first: 100) { edges { node { id hash status event { id title } } } }
  }
`;

interface Connection<Node> {
  edges: Array<{ node: Node }>;
}

export function useSourceLists() {
  return useQuery({
    queryKey: ["source-lists"],
    queryFn: async () => {
      const data = await graphql<{ events: Connection<SourceEvent>; eventGuides: Connection<SourceGuide>; orders: Connection<SourceOrder> }>(
        sourceListsQuery,
      );
      return {
        events: data.events.edges.map((edge) => edge.node),
        eventGuides: data.eventGuides.edges.map((edge) => edge.node),
        orders: data.orders.edges.map((edge) => edge.node),
      };
    },
  });
}

const scopeQuery = /* GraphQL */ `
  query ConsoleScopeName($eventId: ID!, $guideId: ID!, $isEvent: Boolean!) {
    event(id: $eventId) @include(if: $isEvent) { title }
    eventGuide(id: $guideId) @skip(if: $isEvent) { name }
  }
`;

/** "organization", "event «Summer Fest»" or "event guide «Festivals»" — the group's scope in words. */
export function useScopeLabel(scope: { eventId: string | null; eventGuideId: string | null }): string {
  const id = scope.eventId ?? scope.eventGuideId;
  const isEvent = scope.eventId !== null;
  const { data } = useQuery({
    queryKey: ["scope-name", isEvent ? "event" : "guide", id],
    enabled: id !== null,
    staleTime: 60_000,
    queryFn: () =>
      graphql<{ event?: { title: string } | null; eventGuide?: { name: string } | null }>(scopeQuery, {
        eventId: id,
        guideId: id,
        isEvent,
      }),
  });
  if (id === null) return "organization";
  const name = isEvent ? data?.event?.title : data?.eventGuide?.name;
  const kind = isEvent ? "event" : "event guide";
  if (data && name === undefined) return `${kind} ${id} (gone)`;
  return name === undefined ? `${kind} …` : `${kind} «${name}»`;
}
