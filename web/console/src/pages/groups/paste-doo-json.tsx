import { type FormEvent, useState } from "react";
import { ApiError } from "../../api/graphql.js";
import { dooFieldName, DooJsonError, dooJsonToInput } from "./doo-json.js";

const example = `{
  "name": "My Test Webhook",
  "description": "Event creation webhook",
  "hooks": [
    {
      "type": "event_created",
      "method": "POST",
      "endpoint": "https://partner.example/hooks",
      "origin": {
        "method": "POST",
        "body": {"operationName": "EventShort", "variables": {"id": "%EVENT_ID%"}, "query": "query EventShort($id: ID!) { event(id: $id) { title } }"}
      }
    }
  ]
}`;

/**
 * doo's AddWebhook configuration object, pasted as doo's documentation shows it, created as a
 * group. The origin `body` may be escaped as doo asks, or written plainly: the escaping is done here.
 */
export function PasteDooJson({ onSubmit }: { onSubmit(input: Record<string, unknown>): Promise<void> }) {
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblems([]);
    try {
      await onSubmit(dooJsonToInput(text));
    } catch (caught) {
      setProblems(problemsOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="panel">
      <label htmlFor="doo-json">doo JSON</label>
      <p className="hint">
        The configuration object of doo's AddWebhook (snake_case, types like <code>event_created</code>). An origin's <code>body</code> may be
        the escaped string doo asks for, a plain JSON object, or the request written out: no escaping by hand.
      </p>
      <textarea id="doo-json" rows={18} spellCheck={false} placeholder={example} value={text} onChange={(event) => setText(event.target.value)} />
      {problems.length > 0 && (
        <div role="alert" className="error-box">
          <p>hookgate did not create the group:</p>
          <ul>
            {problems.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || text.trim() === ""}>
          Create from doo JSON
        </button>
      </div>
    </form>
  );
}

/** Each problem led by the field in doo's spelling, as the user wrote it. */
function problemsOf(error: unknown): string[] {
  if (error instanceof DooJsonError) return [error.message];
  if (error instanceof ApiError && error.errors.length > 0) {
    return error.errors.map((entry) => {
      const field = entry.extensions?.field;
      if (!field) return entry.message;
      const problem = entry.message.startsWith(`${field}: `) ? entry.message.slice(field.length + 2) : entry.message;
      return `${dooFieldName(field)}: ${problem}`;
    });
  }
  return [error instanceof Error ? error.message : String(error)];
}
