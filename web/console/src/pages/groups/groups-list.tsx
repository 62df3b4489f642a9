import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { graphql } from "../../api/graphql.js";
import { useSignedIn } from "../../api/session.js";
import { type GroupRow, groupsPageQuery } from "./group-api.js";
import { ErrorAlert } from "../../components/error-alert.js";
import { StatusText } from "../../components/status-text.js";
import { TimeText } from "../../components/time-text.js";
import { useScopeLabel } from "./source-lists.js";
import "./groups.css";

const pageSize = 25;

interface GroupsPage {
  webhookGroups: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: GroupRow }>;
  };
}

/** The organization's webhook groups, newest first, a page at a time. */
export function GroupsList() {
  const { canWrite } = useSignedIn();
  // The cursors of the pages before this one, so "Previous" needs no backward paging in the API.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, isPending } = useQuery({
    queryKey: ["webhook-groups", after],
    queryFn: () => graphql<GroupsPage>(groupsPageQuery, { first: pageSize, after }),
  });
  const groups = data?.webhookGroups;
  return (
    <section>
      <div className="page-head">
        <h1>Webhook groups</h1>
        {canWrite && (
          <Link href="/groups/new" className="button primary">
            New webhook group
          </Link>
        )}
      </div>
      {error && <ErrorAlert error={error} />}
      {isPending && <p className="loading">Loading…</p>}
      {groups && groups.totalCount === 0 && (
        <p className="panel">No webhook groups yet.{canWrite && " Create one to start receiving deliveries."}</p>
      )}
      {groups && groups.edges.length > 0 && (
        <table className="groups">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>Hook types</th>
              <th>Enabled</th>
              <th>Last delivery</th>
            </tr>
          </thead>
          <tbody>
            {groups.edges.map(({ node }) => (
              <GroupRowView key={node.id} group={node} />
            ))}
          </tbody>
        </table>
      )}
      {groups && (cursors.length > 1 || groups.pageInfo.hasNextPage) && (
        <div className="actions pager">
          <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <span className="hint">
            {groups.totalCount} groups · page {cursors.length}
          </span>
          <button
            type="button"
            disabled={!groups.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, groups.pageInfo.endCursor])}
          >
            Next page
          </button>
        </div>
      )}
    </section>
  );
}

function GroupRowView({ group }: { group: GroupRow }) {
  const scope = useScopeLabel(group);
  const last = group.deliveries.edges[0]?.node;
  return (
    <tr>
      <td>
        <Link href={`/groups/${group.id}`}>{group.name}</Link>
      </td>
      <td className="scope">{scope}</td>
      <td>
        <ul className="hook-types">
          {group.hooks.map((hook, index) => (
            <li key={index} className="code">
              {hook.type}
            </li>
          ))}
        </ul>
      </td>
      <td>{group.enabled ? "enabled" : <span className="disabled">disabled</span>}</td>
      <td>
        {last ? (
          <>
            <StatusText status={last.status} />{" "}
            <span className="hint">
              <TimeText iso={last.createdAt} />
            </span>
          </>
        ) : (
          <span className="hint">none yet</span>
        )}
      </td>
    </tr>
  );
}
