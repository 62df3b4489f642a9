import { useState } from "react";
import { Field, FieldError } from "./field-errors.js";
import { type HookType, type HttpMethod, hookTypes, httpMethods, isOperationalHookType } from "./group-api.js";
import { emptyHook, type HookRow } from "./group-form-state.js";
import { OriginComposer } from "./origin-composer.js";

interface Props {
  hooks: HookRow[];
  onChange(hooks: HookRow[]): void;
}

/** The group's hooks, one fieldset each: what is sent (type, origin, condition), where and how. */
export function HookRows({ hooks, onChange }: Props) {
  const update = (index: number, change: Partial<HookRow>) => onChange(hooks.map((hook, at) => (at === index ? { ...hook, ...change } : hook)));
  return (
    <>
      {hooks.map((hook, index) => (
        <HookFieldset
          key={hook.key}
          hook={hook}
          index={index}
          onChange={(change) => update(index, change)}
          onRemove={hooks.length > 1 ? () => onChange(hooks.filter((_, at) => at !== index)) : undefined}
        />
      ))}
      <button type="button" onClick={() => onChange([...hooks, emptyHook({ endpoint: hooks[hooks.length - 1]?.endpoint ?? "" })])}>
        Add a hook
      </button>
    </>
  );
}

function HookFieldset({
  hook,
  index,
  onChange,
  onRemove,
}: {
  hook: HookRow;
  index: number;
  onChange(change: Partial<HookRow>): void;
  onRemove?: () => void;
}) {
  const [composing, setComposing] = useState(false);
  const id = (name: string) => `hook-${hook.key}-${name}`;
  const at = `input.hooks[${index}]`;
  // hookgate's own events carry its own payload: no origin, no condition (docs/operational-webhooks.md).
  const operational = isOperationalHookType(hook.type);
  return (
    <fieldset className="hook-row">
      <legend>Hook {index + 1}</legend>
      <FieldError field={at} />
      <div className="row">
        <Field id={id("type")} label="Type" field={`${at}.type`}>
          <select id={id("type")} value={hook.type} onChange={(event) => onChange(typeChange(event.target.value as HookType))}>
            {hookTypes.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
        </Field>
        <Field id={id("method")} label="Method" field={`${at}.method`}>
          <select id={id("method")} value={hook.method} onChange={(event) => onChange({ method: event.target.value as HttpMethod })}>
            {httpMethods.map((method) => (
              <option key={method}>{method}</option>
            ))}
          </select>
        </Field>
        <div className="grow">
          <Field id={id("endpoint")} label="Endpoint" field={`${at}.endpoint`}>
            <input
              id={id("endpoint")}
              type="url"
              placeholder="https://partner.example/webhooks"
              value={hook.endpoint}
              onChange={(event) => onChange({ endpoint: event.target.value })}
            />
          </Field>
        </div>
      </div>
      {operational ? (
        <p className="hint">
          hookgate's own event about another group of your organization, with hookgate's own payload (no origin or condition); only a
          group for the whole organization may hold it.
        </p>
      ) : (
        <>
          <Field
            id={id("origin")}
            label="Origin"
            field={`${at}.origin.body`}
            hint="The GraphQL request whose answer is the payload, as JSON or as an object; leave empty for the default payload. No escaping needed."
          >
            <textarea
              id={id("origin")}
              rows={hook.origin ? 4 : 2}
              spellCheck={false}
              placeholder='{"operationName":"EventShort","variables":{"id":"%EVENT_ID%"},"query":"query EventShort($id: ID!) { event(id: $id) { title } }"}'
              value={hook.origin}
              onChange={(event) => onChange({ origin: event.target.value })}
            />
          </Field>
          <FieldError field={`${at}.origin`} />
        </>
      )}
      <div className="actions">
        {!operational && (
          <button type="button" onClick={() => setComposing(!composing)} aria-expanded={composing}>
            {composing ? "Close the composer" : "Compose origin"}
          </button>
        )}
        {onRemove && (
          <button type="button" className="danger" onClick={onRemove}>
            Remove hook {index + 1}
          </button>
        )}
      </div>
      {composing && !operational && (
        <div className="panel inset">
          <OriginComposer
            initialBody={hook.origin || undefined}
            initialHookType={hook.type}
            onUse={(body, type) => {
              onChange({ origin: body, type });
              setComposing(false);
            }}
          />
        </div>
      )}
      {!operational && (
        <details open={hook.originEndpoint !== "" || hook.originMethod !== "POST" || hook.condition !== ""}>
          <summary>Origin method and endpoint, condition</summary>
          <Field id={id("origin-method")} label="Origin method" field={`${at}.origin.method`}>
            <select id={id("origin-method")} value={hook.originMethod} onChange={(event) => onChange({ originMethod: event.target.value as HttpMethod })}>
              {httpMethods.map((method) => (
                <option key={method}>{method}</option>
              ))}
            </select>
          </Field>
          <Field
            id={id("origin-endpoint")}
            label="Origin endpoint"
            field={`${at}.origin.endpoint`}
            hint="Empty: hookgate's own schema. Another GraphQL endpoint must be allow-listed."
          >
            <input id={id("origin-endpoint")} value={hook.originEndpoint} onChange={(event) => onChange({ originEndpoint: event.target.value })} />
          </Field>
          <Field
            id={id("condition")}
            label="Condition"
            field={`${at}.condition`}
            hint='JSON; only matching publications are delivered, e.g. {"status": {"$eq": "OPEN"}}. Empty: all of them.'
          >
            <textarea id={id("condition")} rows={2} spellCheck={false} value={hook.condition} onChange={(event) => onChange({ condition: event.target.value })} />
          </Field>
        </details>
      )}
    </fieldset>
  );
}

/** Choosing an operational type clears what it cannot hold, which the form would otherwise send unseen. */
function typeChange(type: HookType): Partial<HookRow> {
  return isOperationalHookType(type) ? { type, origin: "", originEndpoint: "", originMethod: "POST", condition: "" } : { type };
}
