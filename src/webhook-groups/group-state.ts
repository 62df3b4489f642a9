import { NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { everyGroup, type GroupReach } from "../store/group-reach.js";
import { isUuid, shownId } from "../store/ids.js";
import type { WebhookGroupRow } from "../store/tables.js";
import { findWebhookGroup } from "../store/webhook-group.repository.js";
import type { Db } from "../store/database.js";
import { publishGroupRecovered } from "../store/operational-notices.js";
import { lockGroupState, rotateGroupSigningSecret, setGroupEnabled } from "../store/webhook-group-state.js";
import { secretPurpose } from "../secrets/secret-purpose.js";
import { newSigningKey } from "./signing-key.js";

// A group's configuration never changes in place; these are its state: on or off, and which
// signing secrets are current.

/** How long the previous signing secret keeps signing after a rotation. */
export const rotationOverlapMs = 24 * 3_600_000;

export async function setWebhookGroupEnabled(
  services: Services,
  organizationId: string,
  id: string,
  enabled: boolean,
  reach: GroupReach = everyGroup,
): Promise<WebhookGroupRow> {
  const switched = isUuid(id) ? await services.db.transaction().execute((trx) => switchGroup(trx, organizationId, id, enabled, reach)) : undefined;
  if (!switched?.row) throw new NotFoundError(`id: no webhook group ${shownId(id)} in your organization`);
  if (switched.announced > 0) services.metrics.published("GROUP_RECOVERED", switched.announced);
  return switched.row;
}

/**
 * Switching on a group hookgate had disabled for failing too long is announced (GROUP_RECOVERED)
 * in the same transaction; switching on a group disabled by hand is not: whoever disabled it
 * knows, and the organization heard of no GROUP_DISABLED that this would answer.
 */
async function switchGroup(trx: Db, organizationId: string, id: string, enabled: boolean, reach: GroupReach) {
  const before = enabled ? await lockGroupState(trx, organizationId, id) : undefined;
  const row = await setGroupEnabled(trx, organizationId, id, enabled, reach);
  let announced = 0;
  if (row && before && !before.enabled && before.auto_disabled) {
    announced = await publishGroupRecovered(trx, row.id, { disabledAt: before.disabled_at, disabledReason: before.disabled_reason });
  }
  return { row, announced };
}

/**
 * New signing material, answered once; the previous secret keeps signing for 24 hours. An
 * HMAC_SHA256 group gets a new `whsec_` secret and is answered it. An ED25519 group gets a new key
 * pair and is answered its `whpk_` public key (also its signingPublicKey from now on); for the
 * day after, each request carries a v1a signature by the old key and one by the new, so partners
 * holding either public key verify.
 */
export async function rotateSigningSecret(
  services: Services,
  organizationId: string,
  id: string,
  reach: GroupReach = everyGroup,
): Promise<string> {
  const notFound = () => new NotFoundError(`groupId: no webhook group ${shownId(id)} in your organization`);
  // A group's scheme is part of its configuration and never changes, so reading it first is safe.
  const group = isUuid(id) ? await findWebhookGroup(services.db, organizationId, id, reach) : undefined;
  if (!group) throw notFound();
  const key = newSigningKey(group.signature);
  const rotated = await rotateGroupSigningSecret(
    services.db,
    organizationId,
    group.id,
    {
      encrypted: services.secrets.encrypt(key.secret, secretPurpose.signingSecret),
      publicKey: key.publicKey,
      previousExpiresAt: new Date(Date.now() + rotationOverlapMs),
    },
    reach,
  );
  if (!rotated) throw notFound();
  return key.shown;
}
