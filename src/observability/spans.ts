import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  type Span,
  type SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { tracingOn } from "./tracing.js";

/**
 * hookgate's spans, made through the OpenTelemetry API. With tracing off (tracing.ts) every
 * helper here answers at once: `fn` gets a span that records nothing, no context is entered, no
 * traceparent is made.
 */

const tracer = () => trace.getTracer("hookgate");
const nothing: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const requestSpanKey = createContextKey("hookgate request span");

// Delivery rows and partner requests carry W3C trace context whatever OTEL_PROPAGATORS says:
// the column's format, and the header partners are told about, are the standard's.
const w3c = new W3CTraceContextPropagator();

export interface SpanStart {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The span's parent; absent: the active span, if any. */
  readonly parent?: Context;
  /** The span of an API request: what `requestSpan` answers while it is served. */
  readonly request?: boolean;
}

/**
 * Runs `fn` inside a new span, active for everything `fn` awaits, and ends it when `fn` settles.
 * A throw marks the span failed with the error's type only: a message may carry what a trace
 * must not (a URL, a token endpoint's answer); the log has it.
 */
export async function inSpan<T>(name: string, start: SpanStart, fn: (span: Span) => Promise<T> | T): Promise<T> {
  if (!tracingOn()) return fn(nothing);
  const parent = start.parent ?? context.active();
  // A request's span is found below it through the context: a holder, filled once the span exists.
  const request = start.request ? { span: nothing } : null;
  const at = request ? parent.setValue(requestSpanKey, request) : parent;
  return tracer().startActiveSpan(name, { kind: start.kind, attributes: start.attributes }, at, async (span) => {
    if (request) request.span = span;
    try {
      return await fn(span);
    } catch (error) {
      failed(span, (error as Error)?.name ?? "Error");
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed; `type` names the failure (an error class, an HTTP status, a delivery outcome). */
export function failed(span: Span, type: string): void {
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** The W3C `traceparent` of the active span (or of `at`); null with tracing off or no span. */
export function traceparent(at?: Context): string | null {
  if (!tracingOn()) return null;
  const carrier: Record<string, string> = {};
  w3c.inject(at ?? context.active(), carrier, defaultTextMapSetter);
  return carrier.traceparent ?? null;
}

/** A context whose remote parent is `value` (a stored traceparent); the root context for null or garbage. */
export function contextOfTraceparent(value: string | null): Context {
  if (value === null) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent: value }, defaultTextMapGetter);
}

/**
 * The span of the API request being served, wherever below it the caller is (a GraphQL plugin
 * names it once the operation is known); a span that records nothing outside a request.
 */
export function requestSpan(): Span {
  if (!tracingOn()) return nothing;
  return (context.active().getValue(requestSpanKey) as { span: Span } | undefined)?.span ?? nothing;
}
