import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { graphql } from "../../api/graphql.js";
import { useApiSchema } from "./api-schema.js";
import { ErrorAlert } from "../../components/error-alert.js";
import { type HookType, isOrderHook, sourceHookTypes } from "./group-api.js";
import { GraphqlEditor } from "./graphql-editor.js";
import { eventVariables, orderVariables, originBody, originParts, queryProblems } from "./origin-request.js";
import { useSourceLists } from "./source-lists.js";

interface Props {
  /** The origin body to start from (a hook row's); absent: an example for the hook type. */
  initialBody?: string;
  initialHookType?: HookType;
  /** Hands the origin over; absent: no "Use in a hook" button. */
  onUse?(body: string, hookType: HookType): void;
}

interface Preview {
  body: string | null;
  errors: string[];
}

const previewQuery = /* GraphQL */ `
  query ConsolePreviewHookPayload($input: PreviewHookPayloadInput!) {
    previewHookPayload(input: $input) { body errors }
  }
`;

/**
 * doo's "Play button", without hand-escaping: write the origin query with completion and
 * validation on hookgate's schema, preview the payload for a real event or order exactly as it
 * would be sent, and hand the origin (with %EVENT_ID% / %ORDER_ID% placeholders) to a hook.
 */
export function OriginComposer({ initialBody, initialHookType = "EVENT_CREATED", onUse }: Props) {
  const schema = useApiSchema();
  const lists = useSourceLists();
  const [hookType, setHookType] = useState<HookType>(initialHookType);
  const initial = useMemo(() => originParts(initialBody, isOrderHook(initialHookType)), [initialBody, initialHookType]);
  const [query, setQuery] = useState(initial.query);
  const [variables, setVariables] = useState(initial.variables);
  const [eventId, setEventId] = useState("");
  const [orderId, setOrderId] = useState("");
  const problems = useMemo(() => queryProblems(query, schema.data), [query, schema.data]);
  const built = originBody({ query, variables });
  const orderHook = isOrderHook(hookType);

  const changeHookType = (type: HookType) => {
    // The example variables follow the hook type; variables the user wrote stay.
    if (isOrderHook(type) && variables === eventVariables) setVariables(orderVariables);
    if (!isOrderHook(type) && variables === orderVariables) setVariables(eventVariables);
    setHookType(type);
  };

  const events = lists.data?.events ?? [];
  const orders = lists.data?.orders ?? [];
  const chosenEvent = eventId || events[0]?.id || "";
  const chosenOrder = orders.find((order) => order.id === orderId) ?? orders[0];

  const preview = useMutation({
    mutationFn: async () => {
      if ("problem" in built) throw new Error(built.problem);
      const input = {
        hookType,
        origin: { body: built.body },
        ...(orderHook ? { orderId: chosenOrder?.id, eventId: chosenOrder?.event.id } : { eventId: chosenEvent }),
      };
      return (await graphql<{ previewHookPayload: Preview }>(previewQuery, { input })).previewHookPayload;
    },
  });

  const previewTarget = orderHook ? chosenOrder : chosenEvent;
  return (
    <div className="composer">
      <div className="composer-grid">
        <div>
          <label htmlFor="composer-hook-type">Hook type</label>
          <select id="composer-hook-type" value={hookType} onChange={(event) => changeHookType(event.target.value as HookType)}>
            {sourceHookTypes.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
          <p className="field-label" id="composer-query-label">
            Origin query
          </p>
          {schema.error ? <ErrorAlert error={schema.error} /> : null}
          <GraphqlEditor label="Origin query" initialValue={initial.query} schema={schema.data} onChange={setQuery} />
          <p className="hint">
            Completion (Ctrl+Space) and checks use hookgate's schema{schema.isPending ? " (loading…)" : ""}: the origin runs against it.
          </p>
          {problems.length > 0 && (
            <div className="problems" aria-label="Problems in the query">
              <strong>Problems</strong>
              <ul>
                {problems.map((problem, index) => (
                  <li key={index}>{problem}</li>
                ))}
              </ul>
            </div>
          )}
          <label htmlFor="composer-variables">Variables</label>
          <textarea id="composer-variables" rows={4} spellCheck={false} value={variables} onChange={(event) => setVariables(event.target.value)} />
          <p className="hint">
            Placeholders hookgate fills in at send time: <code>%EVENT_ID%</code>, <code>%EVENT_GUIDE_ID%</code>, <code>%ORGANIZATION_ID%</code>
            {orderHook && (
              <>
                , <code>%ORDER_ID%</code>
              </>
            )}
            .
          </p>
        </div>
        <div>
          {orderHook ? (
            <>
              <label htmlFor="composer-order">Order to preview with</label>
              <select id="composer-order" value={chosenOrder?.id ?? ""} onChange={(event) => setOrderId(event.target.value)}>
                {orders.length === 0 && <option value="">No orders yet</option>}
                {orders.map((order) => (
                  <option key={order.id} value={order.id}>
                    {order.hash} · {order.event.title} ({order.status.toLowerCase()})
                  </option>
                ))}
              </select>
            </>
          ) : (
            <>
              <label htmlFor="composer-event">Event to preview with</label>
              <select id="composer-event" value={chosenEvent} onChange={(event) => setEventId(event.target.value)}>
                {events.length === 0 && <option value="">No events yet</option>}
                {events.map((event) => (
                  <option key={event.id} value={event.id}>
                    {event.title}
                  </option>
                ))}
              </select>
            </>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={!previewTarget || preview.isPending} onClick={() => preview.mutate()}>
              Preview
            </button>
            {onUse && (
              <button type="button" disabled={"problem" in built} onClick={() => "body" in built && onUse(built.body, hookType)}>
                Use in a hook
              </button>
            )}
          </div>
          {preview.error && <ErrorAlert error={preview.error} />}
          {preview.data && <PreviewResult preview={preview.data} />}
        </div>
      </div>
    </div>
  );
}

function PreviewResult({ preview }: { preview: Preview }) {
  return (
    <section aria-label="Payload preview">
      <h3>Payload as it would be sent</h3>
      {preview.body === null ? <p className="hint">No payload could be built.</p> : <pre className="payload">{preview.body}</pre>}
      {preview.errors.length > 0 && (
        <div role="alert" className="error-box">
          <strong>Errors</strong>
          <ul>
            {preview.errors.map((error, index) => (
              <li key={index}>{error}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
