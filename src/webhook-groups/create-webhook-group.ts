import { parseWebhookGroupInput, type WebhookGroupDraft, type WebhookGroupInput } from "./input/webhook-group-input.js";
import { InputError } from "../errors.js";
import type { Services } from "../services.js";
import type { Db } from "../store/database.js";
import { findEventGuide } from "../store/event-guide.repository.js";
import { findEvent } from "../store/event.repository.js";
import { insertWebhookGroup } from "../store/webhook-group.repository.js";
import type { ApiKeyMode, WebhookGroupRow } from "../store/tables.js";
import { originPolicyOf } from "./origin-policy.js";
import { secretPurpose } from "../secrets/secret-purpose.js";
import { nameGroupsForKeys } from "../store/api-key-groups.js";
import { shownId } from "../store/ids.js";
import { checkCoveredScope, coveredScopes, type GroupAuthor, type GroupScope, organizationAdmin } from "./group-author.js";
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

/** Where a new group goes: its mode, and for a limited key the scopes its groups cover (null: any). */
export interface GroupPlacement {
  mode: ApiKeyMode;
  covered: readonly GroupScope[] | null;
}

/**
 * Inserts a validated group in `trx` after checking its scope belongs to the organization (and,
 * for a limited key, is one its groups cover).
 */
export async function insertGroupDraft(
  services: Services,
  trx: Db,
  organizationId: string,
  draft: WebhookGroupDraft,
  placement: GroupPlacement,
): Promise<CreatedWebhookGroup> {
  const guideOfEvent = await checkScope(trx, organizationId, draft);
  if (placement.covered !== null) {
    checkCoveredScope(placement.covered, { event_id: draft.eventId, event_guide_id: draft.eventGuideId, guide_of_event: guideOfEvent });
  }
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
      mode: placement.mode,
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

/** A group of the author's mode; a limited author's groups must cover its scope, and it reaches the new group. */
export async function createWebhookGroup(
  services: Services,
  organizationId: string,
  input: WebhookGroupInput,
  author: GroupAuthor = organizationAdmin,
): Promise<CreatedWebhookGroup> {
  const draft = parseGroupInput(services, input);
  return services.db.transaction().execute(async (trx) => {
    const created = await insertGroupDraft(services, trx, organizationId, draft, {
      mode: author.mode,
      covered: await coveredScopes(trx, author),
    });
    const keyId = author.reach.limitedKeyId;
    if (keyId !== null) await nameGroupsForKeys(trx, organizationId, [keyId], [created.group.id]);
    return created;
  });
}

/**
 * Another organization's event or guide is answered exactly like one that does not exist.
 * Answers the event's guide, if it has one.
 */
async function checkScope(db: Db, organizationId: string, draft: WebhookGroupDraft): Promise<string | null> {
  let guideOfEvent: string | null = null;
  if (draft.eventId) {
    const event = await findEvent(db, organizationId, draft.eventId, { lock: "share" });
    if (!event) throw new InputError("input.eventId", `no event ${shownId(draft.eventId)} in your organization`);
    if (event.removed_at) throw new InputError("input.eventId", `event ${shownId(draft.eventId)} has been removed`);
    guideOfEvent = event.event_guide_id;
  }
  if (draft.eventGuideId && !(await findEventGuide(db, organizationId, draft.eventGuideId))) {
    throw new InputError("input.eventGuideId", `no event guide ${shownId(draft.eventGuideId)} in your organization`);
  }
  return guideOfEvent;
}
