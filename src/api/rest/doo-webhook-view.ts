import type { HookRow, WebhookGroupRow } from "../../store/tables.js";

/**
 * A group as doo's list shows it: the AddWebhook object it was created from, with its id and a
 * self link, and never the client secret. Fields the group does not have (event scope, origin
 * endpoint, authentication) are left out rather than null, as doo's own examples do; a client can
 * send the object back, client secret added, to create an adjusted copy.
 */
export function dooWebhookOf(group: WebhookGroupRow, hooks: readonly HookRow[], selfHref: string) {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    ...(group.event_id ? { event_id: group.event_id } : {}),
    ...(group.event_guide_id ? { event_guide_id: group.event_guide_id } : {}),
    hooks: hooks.map(dooHookOf),
    ...authenticationOf(group),
    _links: { self: { href: selfHref } },
  };
}

function dooHookOf(hook: HookRow) {
  return {
    type: hook.type.toLowerCase(),
    method: hook.method,
    endpoint: hook.endpoint,
    ...(hook.origin_body === null
      ? {}
      : {
          origin: {
            method: hook.origin_method ?? "POST",
            ...(hook.origin_endpoint ? { endpoint: hook.origin_endpoint } : {}),
            body: hook.origin_body,
          },
        }),
  };
}

// A check constraint keeps the auth columns all set or all null, scope aside.
function authenticationOf(group: WebhookGroupRow) {
  if (group.auth_grant_type === null || group.auth_endpoint === null || group.auth_client_id === null) return {};
  return {
    authentication: {
      grant_type: "client_credentials",
      endpoint: group.auth_endpoint,
      credentials: { client_id: group.auth_client_id },
      header_format: group.auth_header_format ?? "Authorization",
      header_value_format: group.auth_header_value_format ?? "Bearer %ACCESS_TOKEN%",
    },
  };
}
