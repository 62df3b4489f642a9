import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "wouter";
import { graphql } from "../../api/graphql.js";
import { useSignedIn } from "../../api/session.js";
import { DeliveryFilters } from "./delivery-filters.js";
import {
  deliveriesKey,
  deliveriesQuery,
  type DeliveryFilter,
  type DeliveryPageData,
  type DeliveryStatus,
  deliveryStatuses,
  type HookType,
  hookTypes,
  isInProgress,
} from "./delivery-queries.js";
import { DeliveryTable } from "./delivery-table.js";
import { errorMessage, formatTime } from "../../components/format.js";
import { GroupDeliveryActions } from "./group-delivery-actions.js";
import "./deliveries.css";

const pageSize = 25;
/** Fast enough to watch a delivery settle, slow enough to be no load. */
const settlingRefreshMs = 1500;
/** The first page also picks up new deliveries on its own, at a calmer pace. */
const idleRefreshMs = 3_000;

/**
 * A delivery log — the whole organization's, or one group's when `groupId` is given (the group
 * page embeds it) — with its filters and, for admins, the group's "Send test delivery" and
 * "Recover failed" actions. Filters live in the URL, so Back from a delivery returns to them.
 */
export function DeliveryLog({ groupId }: { groupId?: string }) {
  const { canWrite } = useSignedIn();
  const [filter, setFilter] = useUrlFilter();
  const filterKey = `${filter.status ?? ""}/${filter.type ?? ""}`;
  // The `after` cursor of each page visited so far; the last one is shown. A new filter starts over.
  const [pages, setPages] = useState<{ filterKey: string; cursors: (string | null)[] }>({ filterKey, cursors: [null] });
  const cursors = pages.filterKey === filterKey ? pages.cursors : [null];
  const after = cursors[cursors.length - 1] ?? null;
  const onFirstPage = cursors.length === 1;

  const variables = { filter: { ...filter, groupId }, first: pageSize, after };
  const query = useQuery({
    queryKey: [...deliveriesKey, variables],
    queryFn: () => graphql<DeliveryPageData>(deliveriesQuery, variables),
    placeholderData: keepPreviousData,
    refetchInterval: (current) => {
      const shown = current.state.data?.deliveries.edges ?? [];
      if (shown.some((edge) => isInProgress(edge.node.status))) return settlingRefreshMs;
      return onFirstPage ? idleRefreshMs : false;
    },
  });
  const connection = query.data?.deliveries;
  const deliveries = connection?.edges.map((edge) => edge.node) ?? [];

  return (
    <section className="delivery-log" aria-label="Delivery log">
      {groupId && canWrite && <GroupDeliveryActions groupId={groupId} />}
      <div className="delivery-log-bar">
        <DeliveryFilters filter={filter} onChange={setFilter} />
        <p className="hint delivery-count" aria-live="polite">
          {connection && `${connection.totalCount} ${connection.totalCount === 1 ? "delivery" : "deliveries"}`}
          {query.isFetching && " · refreshing…"}
        </p>
      </div>
      {connection && <LogReach retention={connection.logRetention} keptSince={connection.logKeptSince} />}
      {query.isError && (
        <p role="alert" className="error">
          Could not load the deliveries: {errorMessage(query.error)}
        </p>
      )}
      {query.isPending && <p className="loading">Loading deliveries…</p>}
      {connection && deliveries.length === 0 && (
        <p className="panel empty">{filter.status || filter.type ? "No delivery matches these filters." : "No deliveries yet."}</p>
      )}
      {deliveries.length > 0 && <DeliveryTable deliveries={deliveries} showGroup={!groupId} />}
      {(!onFirstPage || connection?.pageInfo.hasNextPage) && (
        <nav className="actions pager" aria-label="Pages of deliveries">
          <button type="button" disabled={onFirstPage} onClick={() => setPages({ filterKey, cursors: [null] })}>
            Newest
          </button>
          <button type="button" disabled={onFirstPage} onClick={() => setPages({ filterKey, cursors: cursors.slice(0, -1) })}>
            Newer
          </button>
          <button
            type="button"
            disabled={!connection?.pageInfo.hasNextPage || query.isPlaceholderData}
            onClick={() => setPages({ filterKey, cursors: [...cursors, connection?.pageInfo.endCursor ?? null] })}
          >
            Older
          </button>
        </nav>
      )}
    </section>
  );
}

/** How far back the log reaches (the operator's HOOKGATE_RETENTION), so an empty old page surprises nobody. */
function LogReach({ retention, keptSince }: { retention: string | null; keptSince: string | null }) {
  return (
    <p className="hint log-reach">
      {retention === null || keptSince === null
        ? "The log keeps every delivery."
        : `The log keeps ${retention}: deliveries that finished before ${formatTime(keptSince)} are deleted; deliveries in progress stay.`}
    </p>
  );
}

/** The status and type filters as `?status=…&type=…`, ignoring values the API would refuse. */
function useUrlFilter(): [Pick<DeliveryFilter, "status" | "type">, (filter: DeliveryFilter) => void] {
  const [params, setParams] = useSearchParams();
  const status = params.get("status");
  const type = params.get("type");
  const filter = {
    status: deliveryStatuses.includes(status as DeliveryStatus) ? (status as DeliveryStatus) : undefined,
    type: hookTypes.includes(type as HookType) ? (type as HookType) : undefined,
  };
  const setFilter = (next: DeliveryFilter) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        for (const name of ["status", "type"] as const) {
          const value = next[name];
          if (value) updated.set(name, value);
          else updated.delete(name);
        }
        return updated;
      },
      { replace: true },
    );
  return [filter, setFilter];
}
