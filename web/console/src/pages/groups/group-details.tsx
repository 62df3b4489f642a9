import type { Hook, WebhookGroup } from "./group-api.js";
import { formatTime } from "../../components/format.js";
import { useScopeLabel } from "./source-lists.js";

/** Everything hookgate tells about a group's configuration and state; secrets only as "set". */
export function GroupDetails({ group }: { group: WebhookGroup }) {
  const scope = useScopeLabel(group);
  const auth = group.authentication;
  return (
    <>
      <section className="panel group-panel">
        <dl className="facts">
          <dt>State</dt>
          <dd>
            {group.enabled ? (
              "enabled"
            ) : (
              <>
                <span className="disabled">disabled</span>
                {group.disabledAt && ` since ${formatTime(group.disabledAt)}`}
                {group.disabledReason && ` — ${group.disabledReason}`}
              </>
            )}
          </dd>
          <dt>Scope</dt>
          <dd>{scope}</dd>
          {group.description && (
            <>
              <dt>Description</dt>
              <dd>{group.description}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>{formatTime(group.createdAt)}</dd>
          <dt>Id</dt>
          <dd className="code">{group.id}</dd>
          <dt>Signature</dt>
          <dd>
            {group.signature === "ED25519" ? "Ed25519 (v1a): partners verify with the public key" : "HMAC-SHA256 (v1): partners verify with the shared secret"}
          </dd>
          {group.signingPublicKey && (
            <>
              <dt>Public key</dt>
              <dd className="code">{group.signingPublicKey}</dd>
            </>
          )}
          <dt>Signing secret</dt>
          <dd>
            {group.previousSigningSecretExpiresAt
              ? `rotated: requests carry the previous secret's signature too until ${formatTime(group.previousSigningSecretExpiresAt)}`
              : "one secret in use"}
          </dd>
          <dt>Ordered</dt>
          <dd>{group.ordered ? "yes: one delivery at a time per endpoint, in publication order" : "no"}</dd>
          <dt>Rate limit</dt>
          <dd>{group.maxRequestsPerSecond === null ? "none" : `${group.maxRequestsPerSecond} requests per second per endpoint`}</dd>
          <dt>Include data</dt>
          <dd>{group.includeData ? "yes" : "no"}</dd>
          <dt>Static headers</dt>
          <dd>{group.headerNames.length === 0 ? "none" : group.headerNames.map((name) => <code key={name}>{name} </code>)}</dd>
          <dt>Secret key (JWT)</dt>
          <dd>{group.hasSecretKey ? "set" : "none"}</dd>
        </dl>
      </section>

      <h2>Authentication</h2>
      <section className="panel group-panel">
        {auth === null ? (
          <p>None: deliveries carry no token.</p>
        ) : (
          <dl className="facts">
            <dt>Grant</dt>
            <dd>{auth.grantType}</dd>
            <dt>Token endpoint</dt>
            <dd className="code">{auth.endpoint}</dd>
            <dt>Client id</dt>
            <dd className="code">{auth.clientId}</dd>
            <dt>Client secret</dt>
            <dd>{auth.hasClientSecret ? "set (never shown)" : "none"}</dd>
            <dt>Token scope</dt>
            <dd>{auth.scope ?? "none"}</dd>
            <dt>Header</dt>
            <dd className="code">
              {auth.headerFormat}: {auth.headerValueFormat}
            </dd>
          </dl>
        )}
      </section>

      <h2>Hooks</h2>
      {group.hooks.map((hook) => (
        <HookView key={hook.id} hook={hook} />
      ))}
    </>
  );
}

function HookView({ hook }: { hook: Hook }) {
  return (
    <section className="panel hook" aria-label={`Hook ${hook.type}`}>
      <p className="hook-head">
        <strong className="code">{hook.type}</strong> <span className="code">{hook.method}</span> <span className="code">{hook.endpoint}</span>
        {hook.bodyFormat === "FORM" && <span className="hint"> form-encoded body</span>}
      </p>
      <p className="field-label">Origin</p>
      {hook.origin ? (
        <>
          <p className="hint">
            {hook.origin.method} to {hook.origin.endpoint ?? "hookgate's built-in schema"}
          </p>
          <OriginView body={hook.origin.body} />
        </>
      ) : (
        <p className="hint">None: the default payload.</p>
      )}
      <p className="field-label">Condition</p>
      {hook.condition == null ? <p className="hint">None: every publication.</p> : <pre>{JSON.stringify(hook.condition, null, 2)}</pre>}
    </section>
  );
}

/** The origin's query as written and its variables, rather than one escaped line. */
function OriginView({ body }: { body: string }) {
  try {
    const request = JSON.parse(body) as { query?: string; variables?: unknown; operationName?: string | null };
    return (
      <div className="origin-view">
        <pre>{request.query}</pre>
        <pre>{JSON.stringify(request.variables ?? {}, null, 2)}</pre>
      </div>
    );
  } catch {
    return <pre>{body}</pre>;
  }
}
