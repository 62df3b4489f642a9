import { sql } from "kysely";
import { NotFoundError } from "../errors.js";
import { generateSigningSecret } from "../secrets/signing-secret.js";
import type { Services } from "../services.js";
import { isUuid } from "../store/ids.js";
import type { WebhookGroupRow } from "../store/tables.js";
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
): Promise<WebhookGroupRow> {
  const row = isUuid(id)
    ? await services.db
        .updateTable("webhook_groups")
        .set({
          enabled,
          disabled_at: enabled ? null : new Date(),
          disabled_reason: enabled ? null : "disabled with setWebhookGroupEnabled",
          // Switching back on starts the failure clock afresh.
          failing_since: null,
        })
        .where("organization_id", "=", organizationId)
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .returningAll()
        .executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError(`id: no webhook group ${id} in your organization`);
  return row;
}

/** A new signing secret, answered once; the previous one keeps signing for 24 hours. */
export async function rotateSigningSecret(services: Services, organizationId: string, id: string): Promise<string> {
  const secret = generateSigningSecret();
  const encrypted = services.secrets.encrypt(secret, secretPurpose.signingSecret);
  const row = isUuid(id)
    ? await services.db
        .updateTable("webhook_groups")
        .set({
          previous_signing_secret_encrypted: sql<string>`signing_secret_encrypted`,
          previous_signing_secret_expires_at: new Date(Date.now() + rotationOverlapMs),
          signing_secret_encrypted: encrypted,
        })
        .where("organization_id", "=", organizationId)
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .returning("id")
        .executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError(`groupId: no webhook group ${id} in your organization`);
  return secret;
}
