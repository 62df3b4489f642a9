import { NotFoundError } from "../../errors.js";
import { isUuid } from "../../store/ids.js";
import { webhookGroupPage } from "../../store/webhook-group-pages.js";
import { deleteWebhookGroup } from "../../store/webhook-group.repository.js";
import { createWebhookGroup } from "../../webhook-groups/create-webhook-group.js";
import { authorOf, reachOf, requireAdmin, requireReader } from "../access.js";
import type { Caller, RequestContext } from "../context.js";
import { fromAddWebhook } from "./doo-webhook-input.js";
import { dooWebhookOf } from "./doo-webhook-view.js";
import { type RestAnswer, success } from "./envelope.js";
import { halPage, halPageSize, pageNumberOf } from "./hal-page.js";
import type { RestCall } from "./rest-call.js";

// Links use HOOKGATE_PUBLIC_URL, never the request's Host header, which the client controls.

/** POST /v1/team/:team_id/webhooks: doo's AddWebhook object in, the new group's id out. */
export async function createWebhook(call: RestCall): Promise<RestAnswer> {
  const team = requireTeam(call.context, call.params[0]);
  const caller = requireAdmin(call.context);
  const { group } = await createWebhookGroup(call.services, team.organizationId, fromAddWebhook(call.body), authorOf(caller));
  // The group's signing secret is not part of doo's answer; rotateSigningSecret (GraphQL) issues one to read.
  return success(group.id, webhooksHref(call, team));
}

/** GET /v1/team/:team_id/webhooks?page=N */
export async function listWebhooks(call: RestCall): Promise<RestAnswer> {
  const team = requireTeam(call.context, call.params[0]);
  const page = pageNumberOf(call.url);
  const { services, context } = call;
  const numbered = { number: page, size: halPageSize };
  const { rows, totalCount } = await webhookGroupPage(services.db, team.organizationId, numbered, reachOf(team));
  // One hooks query for the whole page, through the loader GraphQL uses.
  const hooks = await Promise.all(rows.map((row) => context.loaders.hooksOfGroup.load(row.id)));
  const webhooks = rows.map((row, index) =>
    dooWebhookOf(row, hooks[index] ?? [], `${services.config.publicUrl}/v1/webhooks/${row.id}`),
  );
  return { status: 200, body: halPage(webhooksHref(call, team), page, totalCount, { webhooks }) };
}

/** DELETE /v1/webhooks/:id: 204 whatever happened, so ids cannot be probed (doo's rule). */
export async function deleteWebhook(call: RestCall): Promise<RestAnswer> {
  const caller = requireAdmin(call.context);
  const id = call.params[0] ?? "";
  if (isUuid(id)) await deleteWebhookGroup(call.services.db, caller.organizationId, id, reachOf(caller));
  return { status: 204 };
}

/** A team is an organization; any team but the caller's answers like one that does not exist. */
function requireTeam(context: RequestContext, teamId: string | undefined): Caller {
  const caller = requireReader(context);
  if (teamId === undefined || !isUuid(teamId) || teamId.toLowerCase() !== caller.organizationId) {
    throw new NotFoundError("team not found");
  }
  return caller;
}

function webhooksHref(call: RestCall, team: Caller): string {
  return `${call.services.config.publicUrl}/v1/team/${team.organizationId}/webhooks`;
}
