import type { DeliverJob } from "../store/jobs.js";
import { secretPurpose } from "../secrets/secret-purpose.js";
import { findDeliveryToSend, storePayload, type DeliveryToSend } from "../store/delivery.repository.js";
import { recordAttempts, type NewAttempt } from "../store/record-attempts.js";
import { retryTransient } from "../store/transient.js";
import type { DeliveryKit } from "./worker-context.js";
import { defaultPayload } from "./payload/default-payload.js";
import { OriginUnavailableError, runOrigin } from "./payload/origin-payload.js";
import { partnerHeaders } from "./request-headers.js";
import { nextAttempt, parseRetryAfter, type AttemptOutcome } from "./retry/retry-policy.js";
import { sendRequest } from "../outbound/send-request.js";
import { signatureHeaders } from "./sign/standard-webhooks.js";
import { webhookSecretJwt } from "./sign/webhook-secret-jwt.js";
import { TokenError, type Credential } from "./token/token-cache.js";

/**
 * One run of the deliver task: payload (built once, stored) → token → sign → send → record, then
 * done or the next attempt scheduled. A 401 from the partner discards the token and tries once
 * more at once with a fresh one. Each step's failure is an attempt in the log, never lost.
 */
export async function deliver(kit: DeliveryKit, job: DeliverJob): Promise<void> {
  const { db, config } = kit.services;
  const delivery = await findDeliveryToSend(db, job.deliveryId);
  // Finished, or this job's attempt is already recorded (a duplicate after a crash): nothing to do.
  if (!delivery || delivery.finished_at !== null || delivery.attempt_count !== job.attemptsBefore) return;

  const attempts: NewAttempt[] = [];
  // Deleting a group stops what it still had queued; so does disabling it (by hand, or after
  // failing for days), except tests. recoverDeliveries sends them once it is back on.
  const stopped = delivery.group_deleted_at !== null ? "deleted" : !delivery.group_enabled && !delivery.is_test ? "disabled" : null;
  if (stopped) {
    attempts.push(emptyAttempt(delivery, 0, new Date(), { error: `not sent: the webhook group was ${stopped}`, note: null }));
    await recordAttempts(db, delivery.id, job.attemptsBefore, attempts, { status: "FAILED", retry: null, groupHealth: null });
    return;
  }
  let outcome: AttemptOutcome;
  try {
    outcome = await attempt(kit, delivery, attempts);
  } catch (error) {
    // Whatever went wrong is an attempt in the log and a retry on the schedule, never a job that
    // crashes until the queue gives up with the delivery still pending.
    kit.services.logger.error({ err: error, deliveryId: delivery.id }, "a delivery attempt failed unexpectedly");
    attempts.push(emptyAttempt(delivery, attempts.length, new Date(), { error: `internal error: ${(error as Error).message}`, note: null }));
    outcome = {};
  }
  const now = new Date();
  const next = nextAttempt({ attemptNumber: job.run, outcome, schedule: config.retrySchedule, now });
  const attemptsAfter = job.attemptsBefore + attempts.length;
  // The partner may have the request already: a busy database must not make the job fail and send again.
  await retryTransient(() => recordAttempts(db, delivery.id, job.attemptsBefore, attempts, {
    status:
      next.kind === "succeeded" ? "SUCCEEDED" : next.kind === "gone" ? "GONE" : next.kind === "failed" ? "FAILED" : "RETRYING",
    retry:
      next.kind === "retry"
        ? { at: next.at, job: { deliveryId: delivery.id, run: job.run + 1, attemptsBefore: attemptsAfter } }
        : null,
    groupHealth: delivery.is_test
      ? null
      : {
          groupId: delivery.webhook_group_id,
          succeeded: next.kind === "succeeded",
          disableAfterMs: config.autoDisableAfterMs,
          reason: `every delivery attempt failed for ${formatDuration(config.autoDisableAfterMs)} (HOOKGATE_AUTO_DISABLE_AFTER)`,
        },
  }));
}

async function attempt(kit: DeliveryKit, delivery: DeliveryToSend, attempts: NewAttempt[]): Promise<AttemptOutcome> {
  const { services } = kit;
  const startedAt = new Date();
  const failed = (error: string, note: string | null = null): AttemptOutcome => {
    attempts.push(emptyAttempt(delivery, attempts.length, startedAt, { error, note }));
    return {};
  };

  let note: string | null = null;
  let payload = delivery.payload;
  if (payload === null) {
    try {
      const built =
        delivery.origin_body === null
          ? { body: defaultPayload(delivery), errors: null }
          : await runOrigin(services, kit.originDocuments, delivery, services.config.deliveryTimeoutMs);
      payload = await storePayload(services.db, delivery.id, built.body, built.errors);
      if (built.errors) note = `the origin answered with GraphQL errors: ${built.errors.map((e) => e.message).join("; ")}`;
    } catch (error) {
      if (error instanceof OriginUnavailableError) return failed(error.message);
      throw error;
    }
  }

  const credential = credentialOf(kit, delivery);
  for (let tokenTries = 1; ; tokenTries++) {
    let token: string | null = null;
    if (credential) {
      try {
        token = await kit.tokens.get(credential);
      } catch (error) {
        if (error instanceof TokenError) return failed(error.message, note);
        throw error;
      }
    }
    const sentAt = attempts.length === 0 ? startedAt : new Date();
    const signature = signatureHeaders({ id: delivery.id, timestamp: sentAt, body: payload, secrets: signingSecrets(kit, delivery, sentAt) });
    const headers = partnerHeaders(delivery, signature, token, {
      staticHeaders: staticHeaders(kit, delivery),
      webhookSecretJwt: delivery.jwt_secret_encrypted
        ? webhookSecretJwt({
            secretKey: services.secrets.decrypt(delivery.jwt_secret_encrypted, secretPurpose.jwtSecret),
            webhookId: delivery.id,
            body: payload,
            now: sentAt,
          })
        : null,
    });
    const result = await sendRequest(kit.dispatcher, {
      url: delivery.hook_endpoint,
      method: delivery.hook_method,
      headers: headers.sent,
      body: payload,
      timeoutMs: services.config.deliveryTimeoutMs,
    }).catch((error: unknown) => {
      // A request the HTTP client refuses to build (a header it cannot carry) is an attempt that
      // failed, logged like any other, not a crash that leaves the delivery pending forever.
      return { ok: false as const, durationMs: 0, error: { kind: "network" as const, message: `not sent: ${(error as Error).message}` } };
    });
    attempts.push({
      ...emptyAttempt(delivery, attempts.length, sentAt, { error: null, note }),
      durationMs: Math.round(result.durationMs),
      requestHeaders: headers.logged,
      ...(result.ok
        ? {
            responseStatus: result.status,
            responseHeaders: result.headers,
            responseBody: result.body,
            responseBodyTruncated: result.bodyTruncated,
            error: result.status >= 200 && result.status < 300 ? null : `the endpoint answered HTTP ${result.status}`,
          }
        : { error: result.error.message }),
    });
    note = null;
    if (!result.ok) return {};
    // The token may have been revoked early: fetch a fresh one and try again, once, at once.
    if (result.status === 401 && credential && token && tokenTries === 1) {
      kit.tokens.invalidate(credential, token);
      continue;
    }
    return { status: result.status, retryAfterMs: parseRetryAfter(result.headers["retry-after"], new Date()) };
  }
}

/** The current secret, and during the day after a rotation the previous one too. */
function signingSecrets(kit: DeliveryKit, delivery: DeliveryToSend, now: Date): string[] {
  const { secrets } = kit.services;
  const current = secrets.decrypt(delivery.signing_secret_encrypted, secretPurpose.signingSecret);
  const previous = delivery.previous_signing_secret_encrypted;
  const stillValid = delivery.previous_signing_secret_expires_at !== null && delivery.previous_signing_secret_expires_at > now;
  return previous && stillValid ? [current, secrets.decrypt(previous, secretPurpose.signingSecret)] : [current];
}

function staticHeaders(kit: DeliveryKit, delivery: DeliveryToSend): Array<{ name: string; value: string }> {
  if (!delivery.headers_encrypted) return [];
  return JSON.parse(kit.services.secrets.decrypt(delivery.headers_encrypted, secretPurpose.headers)) as Array<{
    name: string;
    value: string;
  }>;
}

function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, "day"], [3_600_000, "hour"], [60_000, "minute"], [1_000, "second"]];
  const [size, name] = units.find(([size]) => ms >= size && ms % size === 0) ?? [1, "millisecond"];
  const count = ms / size;
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}

function credentialOf(kit: DeliveryKit, delivery: DeliveryToSend): Credential | null {
  if (!delivery.auth_endpoint || !delivery.auth_client_id || !delivery.auth_client_secret_encrypted) return null;
  return {
    tokenEndpoint: delivery.auth_endpoint,
    clientId: delivery.auth_client_id,
    clientSecret: kit.services.secrets.decrypt(delivery.auth_client_secret_encrypted, secretPurpose.oauthClientSecret),
    scope: delivery.auth_scope,
  };
}

function emptyAttempt(
  delivery: DeliveryToSend,
  index: number,
  startedAt: Date,
  text: { error: string | null; note: string | null },
): NewAttempt {
  return {
    number: delivery.attempt_count + index + 1,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    requestMethod: delivery.hook_method,
    requestUrl: delivery.hook_endpoint,
    requestHeaders: {},
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    responseBodyTruncated: false,
    ...text,
  };
}
