import { useLocation } from "wouter";
import { useSignedIn } from "../../api/session.js";
import type { HookType } from "./group-api.js";
import { OriginComposer } from "./origin-composer.js";
import "./groups.css";

/** What the composer hands to a new group's form through the history entry: no URL carries it. */
export interface ComposedOrigin {
  composedOrigin: { body: string; hookType: HookType };
}

export function OriginComposerPage() {
  const { canWrite } = useSignedIn();
  const [, navigate] = useLocation();
  return (
    <section>
      <h1>Origin composer</h1>
      <p className="hint">
        An origin is the GraphQL query whose answer a hook sends as its payload. Write it, preview it for a real event or order, then
        use it in a hook: the escaping is done for you.
      </p>
      <OriginComposer
        onUse={
          canWrite
            ? (body, hookType) => navigate("/groups/new", { state: { composedOrigin: { body, hookType } } satisfies ComposedOrigin })
            : undefined
        }
      />
    </section>
  );
}
