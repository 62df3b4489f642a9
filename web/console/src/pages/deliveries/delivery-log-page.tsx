import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "wouter";
import { graphql } from "../../api/graphql.js";
import { DeliveryLog } from "./delivery-log.js";
import { errorMessage } from "../../components/format.js";

const groupNameQuery = /* GraphQL */ `
  query ConsoleGroupName($id: ID!) {
    webhookGroup(id: $id) {
      id
      name
    }
  }
`;

/**
 * `/deliveries`: every delivery of the organization, newest first; `?group=<id>` narrows it to one
 * group's log, with the group's actions, as the group page shows it.
 */
export function DeliveryLogPage() {
  const [params] = useSearchParams();
  const groupId = params.get("group") || undefined;
  return groupId ? <GroupLog groupId={groupId} /> : <OrganizationLog />;
}

function OrganizationLog() {
  return (
    <section>
      <h1>Deliveries</h1>
      <p className="hint">Every delivery of your organization, newest first. Open one to see its payload and attempts.</p>
      <DeliveryLog />
    </section>
  );
}

function GroupLog({ groupId }: { groupId: string }) {
  const group = useQuery({
    queryKey: ["group-name", groupId],
    queryFn: () => graphql<{ webhookGroup: { id: string; name: string } | null }>(groupNameQuery, { id: groupId }),
  });
  const name = group.data?.webhookGroup?.name;
  return (
    <section>
      <h1>Deliveries of {name ? <Link href={`/groups/${groupId}`}>{name}</Link> : "a webhook group"}</h1>
      <p className="hint">
        {group.data && !group.data.webhookGroup ? "This group was deleted or replaced; its deliveries stay. " : ""}
        <Link href="/deliveries">All deliveries</Link>
      </p>
      {group.isError && (
        <p role="alert" className="error">
          Could not read the group: {errorMessage(group.error)}
        </p>
      )}
      <DeliveryLog groupId={groupId} />
    </section>
  );
}
