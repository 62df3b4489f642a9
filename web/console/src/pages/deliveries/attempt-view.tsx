import type { Attempt } from "./delivery-queries.js";
import { formatDuration } from "../../components/format.js";
import { HeadersTable } from "./headers-table.js";
import { TimeText } from "../../components/time-text.js";

/** One attempt: what was sent, what came back (or why nothing did), as hookgate recorded it. */
export function AttemptView({ attempt, latest, expanded }: { attempt: Attempt; latest: boolean; expanded: boolean }) {
  const ok = attempt.error === null;
  const body = attempt.responseBody;
  return (
    <article className={`attempt panel ${ok ? "attempt-ok" : "attempt-failed"}`} aria-label={`Attempt ${attempt.number}`}>
      <details open={expanded}>
        <summary>
          <h3>
            Attempt {attempt.number}
            {latest && <span className="badge">latest</span>}
          </h3>
          <span className="attempt-outcome">
            {attempt.responseStatus === null ? "no answer" : `HTTP ${attempt.responseStatus}`}
            {" · "}
            {formatDuration(attempt.durationMs)}
            {" · "}
            <TimeText iso={attempt.startedAt} />
          </span>
        </summary>
        {attempt.error && (
          <p className="error">
            <strong>Error:</strong> {attempt.error}
          </p>
        )}
        {attempt.note && (
          <p className="hint">
            <strong>Note:</strong> {attempt.note}
          </p>
        )}
        <div className="attempt-columns">
          <section>
            <h4>Request</h4>
            <p className="code request-line">
              {attempt.requestMethod} {attempt.requestUrl}
            </p>
            <HeadersTable headers={attempt.requestHeaders} label={`Request headers of attempt ${attempt.number}`} />
          </section>
          <section>
            <h4>Response{attempt.responseStatus !== null && ` · ${attempt.responseStatus}`}</h4>
            {attempt.responseStatus === null ? (
              <p className="hint">No answer came.</p>
            ) : (
              <>
                <HeadersTable headers={attempt.responseHeaders} label={`Response headers of attempt ${attempt.number}`} />
                {body ? (
                  <pre className="raw" aria-label={`Response body of attempt ${attempt.number}`}>
                    {body}
                  </pre>
                ) : (
                  <p className="hint">Empty body.</p>
                )}
                {attempt.responseBodyTruncated && <p className="hint">Truncated: hookgate keeps the first 16 KiB of an answer.</p>}
              </>
            )}
          </section>
        </div>
      </details>
    </article>
  );
}
