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
  // An ED25519 group is answered its whpk_ public key: not a secret, and readable again later.
  const publicKey = secret.startsWith("whpk_");
  return (
    <section className="panel secret-panel" aria-label="Signing secret">
      <h2>{title}</h2>
      {publicKey ? (
        <p>
          This group signs with Ed25519. Partners verify each delivery's <code>webhook-signature</code> (<code>v1a</code>) with this public
          key; it is not a secret, and the group's page shows it too.
        </p>
      ) : (
        <p>
          <strong>Store it now: it won't be shown again.</strong> Partners verify each delivery's <code>webhook-signature</code> header with it
          (Standard Webhooks).
        </p>
      )}
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
