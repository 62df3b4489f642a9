import type { WebhookGroupInput } from "./input/webhook-group-input.js";
import { NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { isUuid, shownId } from "../store/ids.js";
import { deleteWebhookGroup } from "../store/webhook-group.repository.js";
import { type CreatedWebhookGroup, insertGroupDraft, parseGroupInput } from "./create-webhook-group.js";

/**
 * Groups are immutable: a replacement is a new group (new id, new signing secret) and the
 * deletion of the old one, in one transaction, so no change is ever half-applied.
 */
export async function replaceWebhookGroup(
  services: Services,
  organizationId: string,
  id: string,
  input: WebhookGroupInput,
): Promise<CreatedWebhookGroup> {
  const draft = parseGroupInput(services, input);
  return services.db.transaction().execute(async (trx) => {
    // Deleting first also serializes two concurrent replacements of the same group.
    const deleted = isUuid(id) && (await deleteWebhookGroup(trx, organizationId, id));
    if (!deleted) throw new NotFoundError(`id: no webhook group ${shownId(id)} in your organization`);
    return insertGroupDraft(services, trx, organizationId, draft);
  });
}
