import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { graphql } from "../../api/graphql.js";
import { deliveriesKey, groupHookTypesQuery, type HookType, sendTestDeliveryMutation } from "./delivery-queries.js";
import { errorMessage } from "../../components/format.js";

interface GroupHooks {
  webhookGroup: { id: string; hooks: Array<{ type: HookType }> } | null;
}

/**
 * Dozuki's "Test Hook": one of the group's hook types, and a payload of the user's own or
 * hookgate's sample. The payload is parsed here first, so a typo is shown before anything is sent.
 */
export function SendTestDelivery({ groupId }: { groupId: string }) {
  const queryClient = useQueryClient();
  const hooks = useQuery({
    queryKey: ["group-hook-types", groupId],
    queryFn: () => graphql<GroupHooks>(groupHookTypesQuery, { id: groupId }),
  });
  const types = [...new Set(hooks.data?.webhookGroup?.hooks.map((hook) => hook.type) ?? [])];
  const [chosenType, setChosenType] = useState<HookType | "">("");
  const hookType = chosenType || types[0] || "";
  const [payloadText, setPayloadText] = useState("");
  const [payloadError, setPayloadError] = useState<string | null>(null);

  const send = useMutation({
    mutationFn: (payload: unknown) =>
      graphql<{ sendTestDelivery: { id: string } }>(sendTestDeliveryMutation, { groupId, hookType, payload }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesKey }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const payload = parsePayload(payloadText);
    setPayloadError(payload.error);
    if (payload.error === null) send.mutate(payload.value);
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="send-test-title">
      <h2 id="send-test-title">Send test delivery</h2>
      <p className="hint">Goes through the real path — token, signature, request — and is logged as a test.</p>
      <label htmlFor="test-hook-type">Hook type</label>
      <select id="test-hook-type" value={hookType} onChange={(event) => setChosenType(event.target.value as HookType)}>
        {types.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </select>
      <label htmlFor="test-payload">Payload (JSON, optional)</label>
      <textarea
        id="test-payload"
        rows={4}
        spellCheck={false}
        placeholder="Empty: hookgate's sample payload for this type"
        value={payloadText}
        onChange={(event) => setPayloadText(event.target.value)}
        aria-invalid={payloadError !== null}
        aria-describedby={payloadError ? "test-payload-error" : undefined}
      />
      {payloadError && (
        <p id="test-payload-error" role="alert" className="error">
          {payloadError}
        </p>
      )}
      {send.isError && (
        <p role="alert" className="error">
          Not sent: {errorMessage(send.error)}
        </p>
      )}
      {hooks.isError && (
        <p role="alert" className="error">
          Could not read the group's hooks: {errorMessage(hooks.error)}
        </p>
      )}
      {send.isSuccess && (
        <p className="notice" role="status">
          Test delivery queued: <Link href={`/deliveries/${send.data.sendTestDelivery.id}`}>{send.data.sendTestDelivery.id}</Link>
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={send.isPending || hookType === ""}>
          Send test delivery
        </button>
      </div>
    </form>
  );
}

/** Empty text sends no payload (the sample); anything else must be JSON. */
function parsePayload(text: string): { value: unknown; error: string | null } {
  if (text.trim() === "") return { value: null, error: null };
  try {
    return { value: JSON.parse(text), error: null };
  } catch (caught) {
    return { value: null, error: `The payload is not valid JSON: ${errorMessage(caught)}` };
  }
}
