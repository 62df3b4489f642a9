import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useParams } from "wouter";
import { graphql } from "../../api/graphql.js";
import { useSignedIn } from "../../api/session.js";
import { ErrorAlert } from "../../components/error-alert.js";
import { type CreatedGroup, replaceGroupMutation, type WebhookGroup } from "./group-api.js";
import { GroupForm } from "./group-form.js";
import { formFromGroup } from "./group-form-state.js";
import { GroupNotFound } from "./group-page.js";
import { SigningSecretNotice } from "./signing-secret.js";
import { useGroup } from "./use-group.js";
import "./groups.css";

/** Copy and edit: groups are immutable, so a changed group is a new one replacing the old. */
export function ReplaceGroup() {
  const { id } = useParams<{ id: string }>();
  const { canWrite } = useSignedIn();
  const { data: group, error, isPending } = useGroup(id);
  if (!canWrite) return <p className="notice">This API key reads only: replacing a group needs an admin key.</p>;
  if (isPending) return <p className="loading">Loading…</p>;
  if (error) return <ErrorAlert error={error} />;
  if (!group) return <GroupNotFound id={id} />;
  return <ReplaceForm group={group} />;
}

function ReplaceForm({ group }: { group: WebhookGroup }) {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedGroup | null>(null);
  const initial = useMemo(() => formFromGroup(group), [group]);
  const secretsToEnter = [
    group.authentication?.hasClientSecret && "the client secret",
    group.headerNames.length > 0 && "the static headers' values",
    group.hasSecretKey && "the secret key",
  ].filter(Boolean);

  const replace = async (input: Record<string, unknown>) => {
    const data = await graphql<{ replaceWebhookGroup: CreatedGroup }>(replaceGroupMutation, { id: group.id, input });
    queryClient.removeQueries({ queryKey: ["webhook-group", group.id] });
    await queryClient.invalidateQueries({ queryKey: ["webhook-groups"] });
    setCreated(data.replaceWebhookGroup);
  };

  if (created) {
    return (
      <section>
        <h1>Webhook group replaced</h1>
        <p className="notice">
          «{group.name}» (<code>{group.id}</code>) is gone; its replacement has the id <code>{created.webhookGroup.id}</code> and a signing secret of
          its own.
        </p>
        <SigningSecretNotice
          title={`The signing secret of «${created.webhookGroup.name}»`}
          secret={created.signingSecret}
          groupId={created.webhookGroup.id}
          groupName={created.webhookGroup.name}
        />
      </section>
    );
  }

  return (
    <section>
      <div className="page-head">
        <h1>Copy and edit «{group.name}»</h1>
        <Link href={`/groups/${group.id}`}>Back to the group</Link>
      </div>
      <p className="notice">
        Groups don't change: saving creates a new group (a new id and a new signing secret) and deletes this one in the same step.
        {secretsToEnter.length > 0 && (
          <>
            {" "}
            <strong>hookgate never shows secrets again: enter {secretsToEnter.join(", ")} again</strong>, or the new group goes without them.
          </>
        )}
      </p>
      <GroupForm initial={initial} submitLabel="Replace group" replacing onSubmit={replace} />
    </section>
  );
}
