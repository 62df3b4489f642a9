import type { SendResult } from "../outbound/send-request.js";
import type { DeliveryToSend } from "../store/delivery.repository.js";
import type { NewAttempt } from "../store/record-rounds.js";

/**
 * An attempt that got no HTTP answer: nothing was sent (no payload, no token, the group stopped)
 * or the request failed on the way (network, timeout, a refused address). `number` counts every
 * attempt the delivery has made, across rounds.
 */
export function unansweredAttempt(
  delivery: DeliveryToSend,
  number: number,
  startedAt: Date,
  text: { error: string; note: string | null },
): NewAttempt {
  return {
    number,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    requestMethod: delivery.hook_method,
    requestUrl: delivery.hook_endpoint,
    requestHeaders: {},
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    responseBodyTruncated: false,
    error: text.error,
    note: text.note,
  };
}

/** An attempt that was sent: what went out (headers as logged, secrets redacted) and what came back. */
export function sentAttempt(
  delivery: DeliveryToSend,
  number: number,
  sent: { at: Date; loggedHeaders: Record<string, string> },
  result: SendResult,
  note: string | null,
): NewAttempt {
  const base = { ...unansweredAttempt(delivery, number, sent.at, { error: "", note }), requestHeaders: sent.loggedHeaders };
  const durationMs = Math.round(result.durationMs);
  if (!result.ok) return { ...base, durationMs, error: result.error.message };
  return {
    ...base,
    durationMs,
    responseStatus: result.status,
    responseHeaders: result.headers,
    responseBody: result.body,
    responseBodyTruncated: result.bodyTruncated,
    error: result.status >= 200 && result.status < 300 ? null : `the endpoint answered HTTP ${result.status}`,
  };
}

/**
 * What a round says about its endpoint: answered (any HTTP status), not answered (timeout,
 * connection refused or reset), or null when no request left (no payload, no token).
 */
export function partnerAnswered(attempts: readonly NewAttempt[]): boolean | null {
  const sent = attempts.filter((attempt) => Object.keys(attempt.requestHeaders).length > 0);
  const last = sent.at(-1);
  return last === undefined ? null : last.responseStatus !== null;
}
