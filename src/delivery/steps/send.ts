import { sendRequest, type SendResult } from "../../outbound/send-request.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import type { NewAttempt } from "../../store/record-rounds.js";
import { sentAttempt, unansweredAttempt } from "../attempt.js";
import { sendSpan } from "../delivery-spans.js";
import { withoutEchoedSecrets } from "../echoed-secrets.js";
import { parseRetryAfter, type AttemptOutcome } from "../retry/retry-policy.js";
import type { WorkerContext } from "../worker-context.js";
import { waitForSendTime } from "./pace.js";
import type { PartnerHeaders } from "./partner-headers.js";
import { credentialOf, prepareRequest, type PreparedRequest } from "./prepare-request.js";

/**
 * Step 3: prepare and send, wrapped in the 401 refresh: a partner answering 401 may have revoked
 * the token early, so the token is discarded and the request prepared and sent once more at once,
 * with a fresh one. Every request made is appended to `attempts`, the round's log, as it is made
 * (so a later failure cannot lose it); answers how the last one ended.
 */
export async function sendRefreshingToken(
  context: WorkerContext,
  delivery: DeliveryToSend,
  payload: { body: string; note: string | null },
  attempts: NewAttempt[],
  startedAt: Date,
  sendAt: number | null,
): Promise<AttemptOutcome> {
  const credential = credentialOf(context, delivery);
  const firstNumber = delivery.attempt_count + attempts.length + 1;
  let note = payload.note;
  for (;;) {
    const number = delivery.attempt_count + attempts.length + 1;
    // The first attempt counts from the round's start (building the payload included); a retry
    // after a 401 from its own start, and it is signed when its fresh token is in hand.
    const first = number === firstNumber;
    const triedAt = first ? startedAt : new Date();
    const prepared = await prepareRequest(context, delivery, payload.body, credential, first ? startedAt : null);
    if (!prepared.ok) {
      attempts.push(unansweredAttempt(delivery, number, triedAt, { error: prepared.error, note }));
      return {};
    }
    const { request } = prepared;
    await waitForSendTime(context, delivery, first ? sendAt : null);
    const { result, headers } = await sendSpan(request.url, request.method, number, request.headers, (headers) => send(context, request, headers));
    // The log keeps the answer without what the request carried secretly (a partner may echo it).
    const logged = withoutEchoedSecrets(result, headers.secrets);
    attempts.push(sentAttempt(delivery, number, { at: request.at, loggedHeaders: headers.logged }, logged, note));
    // The note (the origin's GraphQL errors) belongs to the first attempt with this payload.
    note = null;
    if (!result.ok) return {};
    if (result.status === 401 && credential && request.token && first) {
      context.tokens.invalidate(credential, request.token);
      continue;
    }
    return { status: result.status, retryAfterMs: parseRetryAfter(result.headers["retry-after"], new Date()) };
  }
}

/**
 * One POST through the guarded outbound path. A request the HTTP client refuses to build (a header
 * it cannot carry) is a failed attempt, logged like any other, never a crash that leaves the
 * delivery pending forever.
 */
async function send(context: WorkerContext, request: PreparedRequest, headers: PartnerHeaders): Promise<SendResult> {
  const { services } = context;
  return sendRequest(services.outbound, {
    url: request.url,
    method: request.method,
    headers: headers.sent,
    body: request.body,
    timeoutMs: services.config.deliveryTimeoutMs,
  }).catch((error: unknown) => ({
    ok: false as const,
    durationMs: 0,
    error: { kind: "network" as const, message: `not sent: ${(error as Error).message}` },
  }));
}
