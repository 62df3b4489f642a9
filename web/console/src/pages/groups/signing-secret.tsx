import { useState } from "react";
import { Link } from "wouter";

/** A signing secret hookgate shows once: to copy now, with the way on to the group. */
export function SigningSecretNotice({ secret, groupId, groupName, title }: { secret: string; groupId?: string; groupName?: string; title: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <section className="panel secret-panel" aria-label="Signing secret">
      <h2>{title}</h2>
      <p>
        <strong>Store it now: it won't be shown again.</strong> Partners verify each delivery's <code>webhook-signature</code> header with it
        (Standard Webhooks).
      </p>
      <div className="secret-row">
        <output className="code secret" aria-label="Signing secret value">
          {secret}
        </output>
        <button type="button" onClick={copy}>
          Copy
        </button>
        <span role="status" className="hint">
          {copied === "yes" ? "Copied." : copied === "no" ? "The browser refused to copy: select the text instead." : ""}
        </span>
      </div>
      {groupId && (
        <p>
          <Link href={`/groups/${groupId}`}>Go to the group {groupName ? `«${groupName}»` : ""}</Link>
        </p>
      )}
    </section>
  );
}
