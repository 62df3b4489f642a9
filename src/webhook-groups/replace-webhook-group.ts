import type { WebhookGroupInput } from "./input/webhook-group-input.js";
import { NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { nameGroupsForKeys } from "../store/api-key-groups.js";
import { isUuid, shownId } from "../store/ids.js";
import { deleteWebhookGroup } from "../store/webhook-group.repository.js";
import { type CreatedWebhookGroup, insertGroupDraft, parseGroupInput } from "./create-webhook-group.js";
import { coveredScopes, type GroupAuthor, organizationAdmin } from "./group-author.js";

/**
 * Groups are immutable: a replacement is a new group (new id, new signing secret) and the
 * deletion of the old one, in one transaction, so no change is ever half-applied.
 *
 * A replacement is the old group changed, so it keeps what is not configuration: its mode (the
 * author's mode would let a LIVE key's "copy and edit" turn a staging group live, sending live
 * deliveries to a staging endpoint; a SANDBOX key reaches SANDBOX groups only, so for it the two
 * agree), and its place in every key limited to it.
 */
export async function replaceWebhookGroup(
  services: Services,
  organizationId: string,
  id: string,
  input: WebhookGroupInput,
  author: GroupAuthor = organizationAdmin,
): Promise<CreatedWebhookGroup> {
  const draft = parseGroupInput(services, input);
  return services.db.transaction().execute(async (trx) => {
    // Read before the deletion takes the old group off the author's key.
    const covered = await coveredScopes(trx, author);
    // Deleting first also serializes two concurrent replacements of the same group.
    const deleted = isUuid(id) ? await deleteWebhookGroup(trx, organizationId, id, author.reach) : undefined;
    if (!deleted) throw new NotFoundError(`id: no webhook group ${shownId(id)} in your organization`);
    const created = await insertGroupDraft(services, trx, organizationId, draft, { mode: deleted.group.mode, covered });
    await nameGroupsForKeys(trx, organizationId, deleted.namedBy, [created.group.id]);
    return created;
  });
}
