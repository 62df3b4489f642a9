import { useState } from "react";

/**
 * The body exactly as sent, readable: pretty-printed when it is JSON, and the raw text a click
 * away (what the signature covers, byte for byte).
 */
export function PayloadView({ body }: { body: string }) {
  const pretty = prettyJson(body);
  const [raw, setRaw] = useState(pretty === null);
  return (
    <div className="payload-view">
      <div className="toggle" role="group" aria-label="Payload view">
        <button type="button" aria-pressed={!raw} disabled={pretty === null} onClick={() => setRaw(false)}>
          Pretty
        </button>
        <button type="button" aria-pressed={raw} onClick={() => setRaw(true)}>
          Raw body
        </button>
        <span className="hint">{new TextEncoder().encode(body).length} bytes</span>
      </div>
      <pre className={raw ? "raw" : undefined} aria-label={raw ? "Raw payload" : "Pretty-printed payload"}>
        {raw || pretty === null ? body : pretty}
      </pre>
    </div>
  );
}

export function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}
