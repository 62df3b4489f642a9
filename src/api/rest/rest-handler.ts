import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../../services.js";
import { createRequestContext } from "../context.js";
import { readJsonBody } from "../http/read-body.js";
import { nameRestRequest } from "../http/request-tracing.js";
import type { RequestLimits } from "../limits/request-limits.js";
import { failure, failureOf, type RestAnswer, send } from "./envelope.js";
import { initializeConfiguration } from "./initialization-routes.js";
import { listOrganizations } from "./organization-routes.js";
import type { RestAction } from "./rest-call.js";
import { createWebhook, deleteWebhook, listWebhooks } from "./webhook-routes.js";

/** doo's webhook management API (seeds/004), over the same store and validation as GraphQL. */
// `template` names the route in traces (http.route), without the ids a path carries.
const routes: ReadonlyArray<{ path: RegExp; template: string; actions: Readonly<Record<string, RestAction>> }> = [
  { path: /^\/v1\/team\/([^/]+)\/webhooks$/, template: "/v1/team/{team_id}/webhooks", actions: { GET: listWebhooks, POST: createWebhook } },
  { path: /^\/v1\/webhooks\/([^/]+)$/, template: "/v1/webhooks/{id}", actions: { DELETE: deleteWebhook } },
  { path: /^\/v1\/organizers\/current\/organizations$/, template: "/v1/organizers/current/organizations", actions: { GET: listOrganizations } },
  // doo's initialization: re-push what exists to a configuration (src/api/rest/initialization-routes.ts).
  { path: /^\/v1\/webhooks\/init\/(events|orders)$/, template: "/v1/webhooks/init/{resource}", actions: { POST: initializeConfiguration } },
];

/** Serves /v1/…: every answer, refusals included, in doo's envelope or HAL shape. */
export function createRestHandler(services: Services, limits: RequestLimits) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const answer = await answerRequest(services, limits, request, url).catch((error: unknown) => failureOf(error, services.logger));
    send(response, answer);
  };
}

async function answerRequest(services: Services, limits: RequestLimits, request: IncomingMessage, url: URL): Promise<RestAnswer> {
  const method = request.method ?? "GET";
  const route = routes.find(({ path }) => path.test(url.pathname));
  if (!route) return failure(404, `no route for ${url.pathname}`, { code: "NOT_FOUND" });
  nameRestRequest(method, route.template);
  const action = Object.hasOwn(route.actions, method) ? route.actions[method] : undefined;
  if (!action) {
    const allow = Object.keys(route.actions).join(", ");
    return { ...failure(405, `${method} is not allowed here; allowed: ${allow}`, { code: "METHOD_NOT_ALLOWED" }), headers: { allow } };
  }
  // Read (within the size limit) before answering anything else, as /graphql does.
  const body = method === "POST" ? await readJsonBody(request, services.config.maxRequestBytes) : undefined;
  const credentials = await limits.admit(request);
  const params = route.path.exec(url.pathname)?.slice(1) ?? [];
  return action({ services, context: createRequestContext(services, credentials), params, url, body });
}
