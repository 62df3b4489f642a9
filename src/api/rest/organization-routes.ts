import { findOrganization } from "../../store/organization.repository.js";
import { requireReader } from "../access.js";
import type { RestAnswer } from "./envelope.js";
import { halPage, pageNumberOf } from "./hal-page.js";
import type { RestCall } from "./rest-call.js";

/**
 * GET /v1/organizers/current/organizations: the organizations the key may act for, which is
 * always exactly its own. doo does not document the answer; hookgate gives the same HAL page as
 * the webhook list, each item `{ id, name, _links.webhooks }`, its `id` being the `team_id` of
 * the webhook routes:
 *   { "_links": { self, first, last }, "_embedded": { "organizations": [ { "id", "name",
 *     "_links": { "webhooks": { "href": ".../v1/team/<id>/webhooks" } } } ] },
 *     "page_count": 1, "page_size": 25, "total_items": 1, "page": 1 }
 */
export async function listOrganizations(call: RestCall): Promise<RestAnswer> {
  const { organizationId } = requireReader(call.context);
  const page = pageNumberOf(call.url);
  const base = call.services.config.publicUrl;
  const organization = await findOrganization(call.services.db, organizationId);
  const all = organization ? [organization] : [];
  const organizations = (page === 1 ? all : []).map(({ id, name }) => ({
    id,
    name,
    _links: { webhooks: { href: `${base}/v1/team/${id}/webhooks` } },
  }));
  return { status: 200, body: halPage(`${base}/v1/organizers/current/organizations`, page, all.length, { organizations }) };
}
