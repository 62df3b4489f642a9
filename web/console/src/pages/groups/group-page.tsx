import { Link, useParams } from "wouter";
import { useSignedIn } from "../../api/session.js";
import { DeliveryLog } from "../deliveries/delivery-log.js";
import { ErrorAlert } from "../../components/error-alert.js";
import { GroupActions } from "./group-actions.js";
import { GroupDetails } from "./group-details.js";
import { useGroup } from "./use-group.js";
import "./groups.css";

export function GroupPage() {
  const { id } = useParams<{ id: string }>();
  const { canWrite } = useSignedIn();
  const { data: group, error, isPending } = useGroup(id);
  if (isPending) return <p className="loading">Loading…</p>;
  if (error) return <ErrorAlert error={error} />;
  if (!group) return <GroupNotFound id={id} />;
  return (
    <section>
      <div className="page-head">
        <h1>{group.name}</h1>
        <span className={group.enabled ? "badge" : "badge badge-off"}>{group.enabled ? "enabled" : "disabled"}</span>
      </div>
      {canWrite && <GroupActions group={group} />}
      <GroupDetails group={group} />
      <h2>Deliveries</h2>
      <DeliveryLog groupId={group.id} />
    </section>
  );
}

export function GroupNotFound({ id }: { id: string }) {
  return (
    <section>
      <h1>Webhook group not found</h1>
      <p>
        No webhook group <code>{id}</code> in this organization: it may have been deleted or replaced. <Link href="/">Back to the groups</Link>.
      </p>
    </section>
  );
}
