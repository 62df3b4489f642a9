import { NotFoundError } from "../errors.js";
import { generateSigningSecret } from "../secrets/signing-secret.js";
import type { Services } from "../services.js";
import { everyGroup, type GroupReach } from "../store/group-reach.js";
import { isUuid, shownId } from "../store/ids.js";
import type { WebhookGroupRow } from "../store/tables.js";
import { rotateGroupSigningSecret, setGroupEnabled } from "../store/webhook-group-state.js";
import { secretPurpose } from "../secrets/secret-purpose.js";

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
  const row = isUuid(id) ? await setGroupEnabled(services.db, organizationId, id, enabled, reach) : undefined;
  if (!row) throw new NotFoundError(`id: no webhook group ${shownId(id)} in your organization`);
  return row;
}

/** A new signing secret, answered once; the previous one keeps signing for 24 hours. */
export async function rotateSigningSecret(
  services: Services,
  organizationId: string,
  id: string,
  reach: GroupReach = everyGroup,
): Promise<string> {
  const secret = generateSigningSecret();
  const rotated =
    isUuid(id) &&
    (await rotateGroupSigningSecret(services.db, organizationId, id, {
      encrypted: services.secrets.encrypt(secret, secretPurpose.signingSecret),
      previousExpiresAt: new Date(Date.now() + rotationOverlapMs),
    }, reach));
  if (!rotated) throw new NotFoundError(`groupId: no webhook group ${shownId(id)} in your organization`);
  return secret;
}
