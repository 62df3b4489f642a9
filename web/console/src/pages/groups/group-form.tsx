import { type FormEvent, useState } from "react";
import { ErrorAlert } from "../../components/error-alert.js";
import { Field, FieldError, fieldErrorsOf, FieldErrorsProvider } from "./field-errors.js";
import { type GroupForm as FormState, inputFromForm, rowKey } from "./group-form-state.js";
import { HookRows } from "./hook-rows.js";
import { useSourceLists } from "./source-lists.js";

interface Props {
  initial: FormState;
  submitLabel: string;
  /** Copy and edit: secrets hookgate never returns must be entered again. */
  replacing?: boolean;
  /** Throws what hookgate refused; its field errors are shown next to the fields. */
  onSubmit(input: Record<string, unknown>): Promise<void>;
}

/** A webhook group's configuration, field by field; hookgate checks it on submit. */
export function GroupForm({ initial, submitLabel, replacing = false, onSubmit }: Props) {
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const lists = useSourceLists();
  const set = <Key extends keyof FormState>(key: Key, value: FormState[Key]) => setForm((current) => ({ ...current, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(inputFromForm(form));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <FieldErrorsProvider errors={fieldErrorsOf(error)}>
      <form className="group-form" onSubmit={submit} noValidate>
        <fieldset className="panel">
          <legend>Group</legend>
          <Field id="group-name" label="Name" field="input.name">
            <input id="group-name" value={form.name} onChange={(event) => set("name", event.target.value)} required />
          </Field>
          <Field id="group-description" label="Description" field="input.description">
            <input id="group-description" value={form.description} onChange={(event) => set("description", event.target.value)} />
          </Field>
          <Field id="group-scope" label="Scope" field="input.eventId">
            <select id="group-scope" value={form.scope} onChange={(event) => set("scope", event.target.value as FormState["scope"])}>
              <option value="organization">The whole organization</option>
              <option value="event">One event</option>
              <option value="eventGuide">The events of one event guide</option>
            </select>
          </Field>
          {form.scope === "event" && (
            <Field id="group-event" label="Event" field="input.eventId">
              <select id="group-event" value={form.eventId} onChange={(event) => set("eventId", event.target.value)}>
                <option value="">Choose an event…</option>
                {/* A copied group's event beyond the newest hundred stays chosen. */}
                {form.eventId && lists.data && !lists.data.events.some((event) => event.id === form.eventId) && <option value={form.eventId}>{form.eventId}</option>}
                {lists.data?.events.map((event) => (
                  <option key={event.id} value={event.id}>
                    {event.title}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {form.scope === "eventGuide" && (
            <Field id="group-event-guide" label="Event guide" field="input.eventGuideId">
              <select id="group-event-guide" value={form.eventGuideId} onChange={(event) => set("eventGuideId", event.target.value)}>
                <option value="">Choose an event guide…</option>
                {form.eventGuideId && lists.data && !lists.data.eventGuides.some((guide) => guide.id === form.eventGuideId) && (
                  <option value={form.eventGuideId}>{form.eventGuideId}</option>
                )}
                {lists.data?.eventGuides.map((guide) => (
                  <option key={guide.id} value={guide.id}>
                    {guide.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </fieldset>

        <fieldset className="panel">
          <legend>Hooks</legend>
          <FieldError field="input.hooks" />
          <HookRows hooks={form.hooks} onChange={(hooks) => set("hooks", hooks)} />
        </fieldset>

        <fieldset className="panel">
          <legend>Authentication</legend>
          <label className="check">
            <input type="checkbox" checked={form.useAuthentication} onChange={(event) => set("useAuthentication", event.target.checked)} />
            Fetch an OAuth2 token (client credentials) and send it with each delivery
          </label>
          <FieldError field="input.authentication" />
          {form.useAuthentication && (
            <div className="grid-2">
              <Field id="auth-endpoint" label="Token endpoint" field="input.authentication.endpoint">
                <input id="auth-endpoint" type="url" value={form.authEndpoint} onChange={(event) => set("authEndpoint", event.target.value)} />
              </Field>
              <Field id="auth-scope" label="Token scope" field="input.authentication.scope">
                <input id="auth-scope" value={form.authScope} onChange={(event) => set("authScope", event.target.value)} />
              </Field>
              <Field id="auth-client-id" label="Client id" field="input.authentication.credentials.clientId">
                <input id="auth-client-id" value={form.clientId} onChange={(event) => set("clientId", event.target.value)} />
              </Field>
              <Field
                id="auth-client-secret"
                label="Client secret"
                field="input.authentication.credentials.clientSecret"
                hint={replacing ? "Never shown again after creation: enter it again." : "Stored encrypted; never shown again."}
              >
                <input
                  id="auth-client-secret"
                  type="password"
                  autoComplete="off"
                  value={form.clientSecret}
                  onChange={(event) => set("clientSecret", event.target.value)}
                />
              </Field>
              <Field id="auth-header-format" label="Header name" field="input.authentication.headerFormat">
                <input id="auth-header-format" value={form.headerFormat} onChange={(event) => set("headerFormat", event.target.value)} />
              </Field>
              <Field
                id="auth-header-value-format"
                label="Header value format"
                field="input.authentication.headerValueFormat"
                hint="Must contain %ACCESS_TOKEN%."
              >
                <input
                  id="auth-header-value-format"
                  value={form.headerValueFormat}
                  onChange={(event) => set("headerValueFormat", event.target.value)}
                />
              </Field>
            </div>
          )}
        </fieldset>

        <fieldset className="panel">
          <legend>Delivery options</legend>
          <p className="field-label">Static headers</p>
          <p className="hint">
            Sent with every delivery; values are stored encrypted{replacing ? " and never shown again: enter them again" : ""}.
          </p>
          <FieldError field="input.headers" />
          {form.headers.map((header, index) => (
            <div className="row" key={header.key}>
              <Field id={`header-${header.key}-name`} label={`Header ${index + 1} name`} field={`input.headers[${index}].name`}>
                <input
                  id={`header-${header.key}-name`}
                  value={header.name}
                  onChange={(event) => set("headers", form.headers.map((item) => (item.key === header.key ? { ...item, name: event.target.value } : item)))}
                />
              </Field>
              <div className="grow">
                <Field id={`header-${header.key}-value`} label={`Header ${index + 1} value`} field={`input.headers[${index}].value`}>
                  <input
                    id={`header-${header.key}-value`}
                    type="password"
                    autoComplete="off"
                    value={header.value}
                    onChange={(event) => set("headers", form.headers.map((item) => (item.key === header.key ? { ...item, value: event.target.value } : item)))}
                  />
                </Field>
              </div>
              <button type="button" className="danger align-end" onClick={() => set("headers", form.headers.filter((item) => item.key !== header.key))}>
                Remove header {index + 1}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set("headers", [...form.headers, { key: rowKey(), name: "", value: "" }])}>
            Add a header
          </button>
          <div className="grid-2">
            <Field
              id="secret-key"
              label="Secret key"
              field="input.secretKey"
              hint={`At least 8 characters: each request then carries a JWT signed with it in x-webhook-secret.${replacing ? " Never shown again: enter it again to keep it." : ""}`}
            >
              <input id="secret-key" type="password" autoComplete="off" value={form.secretKey} onChange={(event) => set("secretKey", event.target.value)} />
            </Field>
            <Field id="max-rps" label="Max requests per second" field="input.maxRequestsPerSecond" hint="Per endpoint, 1 to 10000; empty: no limit.">
              <input id="max-rps" inputMode="numeric" value={form.maxRequestsPerSecond} onChange={(event) => set("maxRequestsPerSecond", event.target.value)} />
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" checked={form.includeData} onChange={(event) => set("includeData", event.target.checked)} />
            Include data: the default payload carries the whole event or order
          </label>
          <label className="check">
            <input type="checkbox" checked={form.ordered} onChange={(event) => set("ordered", event.target.checked)} />
            Ordered: one delivery at a time per endpoint, in publication order
          </label>
        </fieldset>

        {error !== null && <ErrorAlert error={error} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </FieldErrorsProvider>
  );
}
