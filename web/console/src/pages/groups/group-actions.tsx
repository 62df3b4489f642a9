import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";
import { graphql } from "../../api/graphql.js";
import { ErrorAlert } from "../../components/error-alert.js";
import { deleteMutation, rotateMutation, setEnabledMutation, type WebhookGroup } from "./group-api.js";
import { SigningSecretNotice } from "./signing-secret.js";

/** An admin's actions on a group: each says what it did. */
export function GroupActions({ group }: { group: WebhookGroup }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  const run = async (action: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const message = await action();
      if (message) setDone(message);
      await queryClient.invalidateQueries({ queryKey: ["webhook-group", group.id] });
      await queryClient.invalidateQueries({ queryKey: ["webhook-groups"] });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const setEnabled = (enabled: boolean) =>
    run(async () => {
      await graphql(setEnabledMutation, { id: group.id, enabled });
      return enabled ? "Enabled: new publications reach this group again." : "Disabled: new publications create no deliveries for this group.";
    });
  const rotate = () =>
    run(async () => {
      const data = await graphql<{ rotateSigningSecret: string }>(rotateMutation, { groupId: group.id });
      setSecret(data.rotateSigningSecret);
    });
  const remove = () =>
    run(async () => {
      await graphql(deleteMutation, { id: group.id });
      queryClient.removeQueries({ queryKey: ["webhook-group", group.id] });
      navigate("/");
    });

  return (
    <>
      <div className="actions">
        {group.enabled ? (
          <button type="button" disabled={busy} onClick={() => setEnabled(false)}>
            Disable
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => setEnabled(true)}>
            Enable
          </button>
        )}
        <button type="button" disabled={busy} onClick={rotate}>
          Rotate signing secret
        </button>
        <Link href={`/groups/${group.id}/replace`} className="button">
          Copy and edit
        </Link>
        <button type="button" className="danger" disabled={busy} onClick={() => setConfirmingDelete(true)}>
          Delete
        </button>
      </div>
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
      {error !== null && <ErrorAlert error={error} />}
      {secret && (
        <SigningSecretNotice
          title="New signing secret"
          secret={secret}
        />
      )}
      {secret && (
        <p className="hint">For 24 hours requests carry signatures with both the previous and the new secret, so partners can switch over.</p>
      )}
      {confirmingDelete && (
        <div className="dialog-backdrop">
          <div role="dialog" aria-modal="true" aria-labelledby="delete-title" className="dialog">
            <h2 id="delete-title">Delete «{group.name}»?</h2>
            <p>
              The group and its hooks are deleted: no more deliveries are made for it. Its delivery log stays. This cannot be undone.
            </p>
            <div className="actions">
              <button type="button" className="danger" disabled={busy} onClick={remove}>
                Delete the group
              </button>
              <button type="button" autoFocus onClick={() => setConfirmingDelete(false)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
