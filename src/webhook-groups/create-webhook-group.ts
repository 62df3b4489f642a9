import { parseWebhookGroupInput, type WebhookGroupDraft, type WebhookGroupInput } from "./input/webhook-group-input.js";
import { InputError } from "../errors.js";
import type { Services } from "../services.js";
import type { Db } from "../store/database.js";
import { findEventGuide } from "../store/event-guide.repository.js";
import { findEvent } from "../store/event.repository.js";
import { insertWebhookGroup } from "../store/webhook-group.repository.js";
import type { WebhookGroupRow } from "../store/tables.js";
import { originPolicyOf } from "./origin-policy.js";
import { secretPurpose } from "../secrets/secret-purpose.js";
import { shownId } from "../store/ids.js";
import { newSigningKey } from "./signing-key.js";

export interface CreatedWebhookGroup {
  group: WebhookGroupRow;
  /**
   * Returned to the caller once: the `whsec_` secret (only its ciphertext is stored), or for an
   * ED25519 group its `whpk_` public key (the `whsk_` secret key is stored encrypted, never shown).
   */
  signingSecret: string;
}

/** Validates without touching the database, so bad input is refused before any transaction. */
export function parseGroupInput(services: Services, input: WebhookGroupInput): WebhookGroupDraft {
  return parseWebhookGroupInput(input, { builtInSchema: services.builtInSchema, originPolicy: originPolicyOf(services.config) });
}

/** Inserts a validated group in `trx` after checking its scope belongs to the organization. */
export async function insertGroupDraft(
  services: Services,
  trx: Db,
  organizationId: string,
  draft: WebhookGroupDraft,
): Promise<CreatedWebhookGroup> {
  await checkScope(trx, organizationId, draft);
  const signingKey = newSigningKey(draft.signature);
  const { secrets } = services;
  const auth = draft.authentication;
  const group = await insertWebhookGroup(
    trx,
    organizationId,
    {
      name: draft.name,
      description: draft.description,
      event_id: draft.eventId,
      event_guide_id: draft.eventGuideId,
      signature: draft.signature,
      signing_secret_encrypted: secrets.encrypt(signingKey.secret, secretPurpose.signingSecret),
      signing_public_key: signingKey.publicKey,
      auth_grant_type: auth?.grantType ?? null,
      auth_endpoint: auth?.endpoint ?? null,
      auth_client_id: auth?.clientId ?? null,
      auth_client_secret_encrypted: auth ? secrets.encrypt(auth.clientSecret, secretPurpose.oauthClientSecret) : null,
      auth_scope: auth?.scope ?? null,
      auth_header_format: auth?.headerFormat ?? null,
      auth_header_value_format: auth?.headerValueFormat ?? null,
      include_data: draft.includeData,
      header_names: draft.headers.map((header) => header.name),
      headers_encrypted: draft.headers.length ? secrets.encrypt(JSON.stringify(draft.headers), secretPurpose.headers) : null,
      jwt_secret_encrypted: draft.secretKey === null ? null : secrets.encrypt(draft.secretKey, secretPurpose.jwtSecret),
      ordered: draft.ordered,
      max_requests_per_second: draft.maxRequestsPerSecond,
    },
    draft.hooks.map((hook) => ({
      type: hook.type,
      method: hook.method,
      endpoint: hook.endpoint,
      origin_method: hook.origin?.method ?? null,
      origin_endpoint: hook.origin?.endpoint ?? null,
      origin_target: hook.origin?.target ?? null,
      origin_body: hook.origin?.body ?? null,
      condition: hook.condition === null ? null : JSON.stringify(hook.condition),
      body_format: hook.bodyFormat,
    })),
  );
  return { group, signingSecret: signingKey.shown };
}

export async function createWebhookGroup(
  services: Services,
  organizationId: string,
  input: WebhookGroupInput,
): Promise<CreatedWebhookGroup> {
  const draft = parseGroupInput(services, input);
  return services.db.transaction().execute((trx) => insertGroupDraft(services, trx, organizationId, draft));
}

// Another organization's event or guide is answered exactly like one that does not exist.
async function checkScope(db: Db, organizationId: string, draft: WebhookGroupDraft): Promise<void> {
  if (draft.eventId) {
    const event = await findEvent(db, organizationId, draft.eventId, { lock: "share" });
    if (!event) throw new InputError("input.eventId", `no event ${shownId(draft.eventId)} in your organization`);
    if (event.removed_at) throw new InputError("input.eventId", `event ${shownId(draft.eventId)} has been removed`);
  }
  if (draft.eventGuideId && !(await findEventGuide(db, organizationId, draft.eventGuideId))) {
    throw new InputError("input.eventGuideId", `no event guide ${shownId(draft.eventGuideId)} in your organization`);
  }
}
