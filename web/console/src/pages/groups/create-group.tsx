import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link } from "wouter";
import { graphql } from "../../api/graphql.js";
import { useSignedIn } from "../../api/session.js";
import { type CreatedGroup, createGroupMutation } from "./group-api.js";
import { GroupForm } from "./group-form.js";
import { emptyForm, emptyHook, type GroupForm as FormState } from "./group-form-state.js";
import type { ComposedOrigin } from "./origin-composer-page.js";
import { PasteDooJson } from "./paste-doo-json.js";
import { SigningSecretNotice } from "./signing-secret.js";
import "./groups.css";

type Mode = "form" | "doo";

export function CreateGroup() {
  const { canWrite } = useSignedIn();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>("form");
  const [created, setCreated] = useState<CreatedGroup | null>(null);
  const initial = useMemo(initialForm, []);

  if (!canWrite) {
    return (
      <section>
        <h1>New webhook group</h1>
        <p className="notice">This API key reads only: creating a group needs an admin key.</p>
      </section>
    );
  }

  const create = async (input: Record<string, unknown>) => {
    const data = await graphql<{ createWebhookGroup: CreatedGroup }>(createGroupMutation, { input });
    await queryClient.invalidateQueries({ queryKey: ["webhook-groups"] });
    setCreated(data.createWebhookGroup);
  };

  if (created) {
    return (
      <section>
        <h1>Webhook group created</h1>
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
        <h1>New webhook group</h1>
        <Link href="/">Back to the groups</Link>
      </div>
      <div className="tabs" role="tablist" aria-label="How to describe the group">
        <button type="button" role="tab" aria-selected={mode === "form"} onClick={() => setMode("form")}>
          Fill in the form
        </button>
        <button type="button" role="tab" aria-selected={mode === "doo"} onClick={() => setMode("doo")}>
          Paste doo JSON
        </button>
      </div>
      {mode === "form" ? <GroupForm initial={initial} submitLabel="Create group" onSubmit={create} /> : <PasteDooJson onSubmit={create} />}
    </section>
  );
}

/** An empty form, or one whose first hook carries the origin the composer handed over. */
function initialForm(): FormState {
  const form = emptyForm();
  const handed = (history.state as Partial<ComposedOrigin> | null)?.composedOrigin;
  if (handed) form.hooks = [emptyHook({ type: handed.hookType, origin: handed.body })];
  return form;
}
