import { SpanKind } from "@opentelemetry/api";
import { inSpan, traceparent } from "../observability/spans.js";

/** What the span tells of a publication (publish.ts's Publication and Published, without importing them back). */
interface Publishing {
  readonly type: string;
  readonly organizationId: string;
  readonly mode: string;
}
type Written = { readonly publicationId: string; readonly deliveryCount: number } | null;

/**
 * The span of one publication's fan-out: `publish order_created`, a child of the request that
 * made the change, answering how many deliveries it queued. `write` gets the span's traceparent
 * to store on each delivery (docs/tracing.md): the worker that sends one, later and maybe in
 * another process, continues the trace from there. Null when tracing is off.
 */
export function publicationSpan<T extends Written>(publication: Publishing, write: (traceparent: string | null) => Promise<T>): Promise<T> {
  const type = publication.type.toLowerCase();
  const attributes = {
    "hookgate.publication.type": type,
    "hookgate.organization.id": publication.organizationId,
    "hookgate.mode": publication.mode,
  };
  return inSpan(`publish ${type}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    const published = await write(traceparent());
    if (published) {
      span.setAttribute("hookgate.publication.id", published.publicationId);
      span.setAttribute("hookgate.deliveries.queued", published.deliveryCount);
    } else {
      // An idempotency key already held: nothing published, nothing queued.
      span.setAttribute("hookgate.publication.duplicate", true);
      span.setAttribute("hookgate.deliveries.queued", 0);
    }
    return published;
  });
}
