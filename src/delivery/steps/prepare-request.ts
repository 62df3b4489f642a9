import { secretPurpose } from "../../secrets/secret-purpose.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import { stepSpan } from "../delivery-spans.js";
import { signatureHeaders } from "../sign/standard-webhooks.js";
import { webhookSecretJwt } from "../sign/webhook-secret-jwt.js";
import { type Credential, TokenError } from "../token/token-cache.js";
import type { WorkerContext } from "../worker-context.js";
import { partnerHeaders, type PartnerHeaders } from "./partner-headers.js";

/** One request to a partner, ready to send. */
export interface PreparedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: PartnerHeaders;
  readonly body: string;
  /** When it is signed and sent: the signature's timestamp. */
  readonly at: Date;
  /** The access token it carries, if the group authenticates; a 401 discards exactly this one. */
  readonly token: string | null;
}

export type Prepared = { readonly ok: true; readonly request: PreparedRequest } | { readonly ok: false; readonly error: string };

/**
 * Step 2: the request for one attempt — an access token (cached per credential), the Standard
 * Webhooks signature, Dozuki's JWT when the group has a secret key, the group's static headers.
 * A token endpoint that fails fails the attempt, with its reason in the log. Signed `at`, or,
 * without it, at the moment the token is in hand.
 */
export async function prepareRequest(
  context: WorkerContext,
  delivery: DeliveryToSend,
  payload: string,
  credential: Credential | null,
  signedAt: Date | null,
): Promise<Prepared> {
  let token: string | null = null;
  if (credential) {
    try {
      token = await stepSpan("token", () => context.tokens.get(credential));
    } catch (error) {
      if (error instanceof TokenError) return { ok: false, error: error.message };
      throw error;
    }
  }
  const { secrets } = context.services;
  const at = signedAt ?? new Date();
  const signature = signatureHeaders({ id: delivery.id, timestamp: at, body: payload, secrets: signingSecrets(context, delivery, at) });
  const headers = partnerHeaders(delivery, signature, token, {
    staticHeaders: staticHeaders(context, delivery),
    webhookSecretJwt: delivery.jwt_secret_encrypted
      ? webhookSecretJwt({
          secretKey: secrets.decrypt(delivery.jwt_secret_encrypted, secretPurpose.jwtSecret),
          webhookId: delivery.id,
          body: payload,
          now: at,
        })
      : null,
  });
  return { ok: true, request: { url: delivery.hook_endpoint, method: delivery.hook_method, headers, body: payload, at, token } };
}

/** The group's OAuth2 client, its secret decrypted; null when the group sends without a token. */
export function credentialOf(context: WorkerContext, delivery: DeliveryToSend): Credential | null {
  if (!delivery.auth_endpoint || !delivery.auth_client_id || !delivery.auth_client_secret_encrypted) return null;
  return {
    tokenEndpoint: delivery.auth_endpoint,
    clientId: delivery.auth_client_id,
    clientSecret: context.services.secrets.decrypt(delivery.auth_client_secret_encrypted, secretPurpose.oauthClientSecret),
    scope: delivery.auth_scope,
  };
}

/** The current secret, and during the day after a rotation the previous one too. */
function signingSecrets(context: WorkerContext, delivery: DeliveryToSend, now: Date): string[] {
  const { secrets } = context.services;
  const current = secrets.decrypt(delivery.signing_secret_encrypted, secretPurpose.signingSecret);
  const previous = delivery.previous_signing_secret_encrypted;
  const stillValid = delivery.previous_signing_secret_expires_at !== null && delivery.previous_signing_secret_expires_at > now;
  return previous && stillValid ? [current, secrets.decrypt(previous, secretPurpose.signingSecret)] : [current];
}

function staticHeaders(context: WorkerContext, delivery: DeliveryToSend): Array<{ name: string; value: string }> {
  if (!delivery.headers_encrypted) return [];
  const json = context.services.secrets.decrypt(delivery.headers_encrypted, secretPurpose.headers);
  return JSON.parse(json) as Array<{ name: string; value: string }>;
}
