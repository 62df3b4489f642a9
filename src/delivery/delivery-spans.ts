import { INVALID_SPAN_CONTEXT, type Span, SpanKind, trace } from "@opentelemetry/api";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from "@opentelemetry/semantic-conventions";
import { contextOfTraceparent, failed, inSpan, traceparent } from "../observability/spans.js";
import { tracingOn } from "../observability/tracing.js";
import type { SendResult } from "../outbound/send-request.js";
import type { DeliveryToSend } from "../store/delivery.repository.js";
import type { DeliverJob } from "../store/jobs.js";
import type { NewAttempt } from "../store/record-rounds.js";
import type { BuiltPayload } from "./steps/build-payload.js";
import type { Decision } from "./steps/decide.js";
import type { PartnerHeaders } from "./steps/partner-headers.js";

/**
 * A delivery round's spans (docs/tracing.md): `deliver order_created` for the round, with a child
 * for each step — `payload`, `token`, `send` (one per request: a 401 refresh makes two), `record`.
 * Ids, types, numbers and statuses only: never a URL (its path or query may hold a secret), a
 * body, a header value or a token.
 */

const notRecording: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * The round's span is a CHILD of the span that published the delivery (its stored traceparent),
 * not a new trace linked to it. OpenTelemetry's messaging conventions prefer links where one
 * consumer span handles messages of many producers; a round handles exactly one delivery of one
 * publication, so a parent is never ambiguous, and as a child the trace view shows the whole
 * story — the request, the fan-out, every round and every partner POST — under one trace id,
 * which the partner also receives. The price: a delivery retried for days keeps its trace open
 * that long. Without a stored traceparent (tracing was off when it was queued; an initialization's
 * deliveries, queued by the worker) the round starts a trace of its own.
 */
export function roundSpan<T>(delivery: DeliveryToSend, job: DeliverJob, run: (span: Span) => Promise<T>): Promise<T> {
  // Off, a round pays one check: no attributes built, no stored traceparent parsed.
  if (!tracingOn()) return run(notRecording);
  const type = delivery.type.toLowerCase();
  const attributes = {
    "hookgate.delivery.id": delivery.id,
    "hookgate.webhook_group.id": delivery.webhook_group_id,
    "hookgate.hook.type": type,
    "hookgate.delivery.round": job.round,
    // The number of the round's first attempt, as the delivery log counts them.
    "hookgate.delivery.attempt": job.attemptsRecorded + 1,
    "hookgate.mode": delivery.mode,
  };
  return inSpan(`deliver ${type}`, { kind: SpanKind.CONSUMER, parent: contextOfTraceparent(delivery.traceparent), attributes }, run);
}

/** What the round came to: its attempts' last HTTP status, and the delivery's new status. */
export function roundEnded(span: Span, attempts: readonly NewAttempt[], decision: Decision): void {
  if (!span.isRecording()) return;
  const status = attempts.at(-1)?.responseStatus;
  if (status !== null && status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  span.setAttribute("hookgate.delivery.attempts", attempts.length);
  span.setAttribute("hookgate.delivery.outcome", decision.status.toLowerCase());
  if (decision.throttled) span.setAttribute("hookgate.delivery.throttled", true);
  if (!decision.succeeded) failed(span, decision.status.toLowerCase());
}

/** A step of the round (`token`, `record`) as a child span. */
export function stepSpan<T>(name: "token" | "record", run: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(name, {}, run);
}

/** The `payload` step: where the body came from (stored by an earlier round, the origin query, the default payload). */
export function payloadSpan(delivery: DeliveryToSend, build: () => Promise<BuiltPayload>): Promise<BuiltPayload> {
  return inSpan("payload", {}, async (span) => {
    const source = delivery.payload !== null ? "stored" : delivery.origin_body !== null ? "origin" : "default";
    span.setAttribute("hookgate.payload.source", source);
    const built = await build();
    if (!built.ok) failed(span, "payload_failed");
    return built;
  });
}

/**
 * The `send` span of one request to the partner. Its W3C `traceparent` goes with the request
 * (and into the attempt log, so a log entry leads to its trace); not signed, like every header
 * but Standard Webhooks' three. `post` gets the headers to send; with tracing off, the request's
 * own, unchanged.
 */
export async function sendSpan(
  url: string,
  method: string,
  attempt: number,
  headers: PartnerHeaders,
  post: (headers: PartnerHeaders) => Promise<SendResult>,
): Promise<{ result: SendResult; headers: PartnerHeaders }> {
  let sent = headers;
  const result = await inSpan("send", { kind: SpanKind.CLIENT }, async (span) => {
    const value = traceparent();
    if (value !== null) {
      sent = { ...headers, sent: { ...headers.sent, traceparent: value }, logged: { ...headers.logged, traceparent: value } };
    }
    if (span.isRecording()) {
      span.setAttributes({ [ATTR_HTTP_REQUEST_METHOD]: method, "hookgate.delivery.attempt": attempt, ...serverOf(url) });
    }
    const answer = await post(sent);
    if (answer.ok) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, answer.status);
      if (answer.status < 200 || answer.status > 299) failed(span, String(answer.status));
    } else {
      failed(span, answer.error.kind);
    }
    return answer;
  });
  return { result, headers: sent };
}

/** The host and port only: a path or query may carry a partner's secret. */
function serverOf(url: string): Record<string, string | number> {
  if (!URL.canParse(url)) return {};
  const target = new URL(url);
  return {
    [ATTR_SERVER_ADDRESS]: target.hostname,
    [ATTR_SERVER_PORT]: Number(target.port) || (target.protocol === "https:" ? 443 : 80),
  };
}
