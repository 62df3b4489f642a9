import { isPlainObject, originBodyText, parseLenientJson } from "./origin-body.js";

// doo's AddWebhook object (snake_case, lowercase hook types) → hookgate's CreateWebhookGroupInput,
// in the browser, as src/api/rest/doo-webhook-input.ts does it for doo's REST clients: only
// spellings change; values of the wrong kind pass through for hookgate to refuse by name.

/** doo's hook type names → hookgate's. */
const dooHookTypes: Readonly<Record<string, string>> = {
  event_created: "EVENT_CREATED",
  event_removed: "EVENT_REMOVED",
  event_updated: "EVENT_UPDATED",
  order_created: "ORDER_CREATED",
  order_removed: "ORDER_REMOVED",
  order_updated: "ORDER_UPDATED",
  order_cancelled: "ORDER_CANCELLED",
};

/** A problem found before asking hookgate, named with the field as the user wrote it. */
export class DooJsonError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The fields hookgate reads (src/api/rest/doo-known-fields.ts); others are refused, not dropped. */
const known = {
  top: ["name", "description", "event_id", "event_guide_id", "hooks", "authentication", "id", "_links"],
  hook: ["type", "method", "endpoint", "origin"],
  origin: ["method", "endpoint", "body"],
  authentication: ["grant_type", "endpoint", "credentials", "header_format", "header_value_format"],
  credentials: ["client_id", "client_secret"],
};

export function dooJsonToInput(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseLenientJson(text);
  } catch (error) {
    throw new DooJsonError("JSON", `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isPlainObject(body)) throw new DooJsonError("JSON", "must be one object: doo's AddWebhook configuration");
  refuseUnknown(body, known.top, "");
  const input: Record<string, unknown> = { name: body.name, hooks: body.hooks };
  if (body.description !== undefined) input.description = body.description;
  if (body.event_id !== undefined && body.event_id !== null) input.eventId = body.event_id;
  if (body.event_guide_id !== undefined && body.event_guide_id !== null) input.eventGuideId = body.event_guide_id;
  if (Array.isArray(body.hooks)) input.hooks = body.hooks.map((hook: unknown, index) => hookOf(hook, `hooks[${index}]`));
  if (isPlainObject(body.authentication)) input.authentication = authenticationOf(body.authentication);
  else if (body.authentication !== undefined && body.authentication !== null) input.authentication = body.authentication;
  return input;
}

function hookOf(hook: unknown, at: string): unknown {
  if (!isPlainObject(hook)) return hook;
  refuseUnknown(hook, known.hook, at);
  const out: Record<string, unknown> = { type: hookTypeOf(hook.type, `${at}.type`), endpoint: hook.endpoint };
  if (hook.method !== undefined) out.method = typeof hook.method === "string" ? hook.method.toUpperCase() : hook.method;
  if (isPlainObject(hook.origin)) {
    const origin = hook.origin;
    refuseUnknown(origin, known.origin, `${at}.origin`);
    out.origin = {
      body: originBodyText(origin.body),
      ...(origin.method !== undefined && { method: typeof origin.method === "string" ? origin.method.toUpperCase() : origin.method }),
      ...(origin.endpoint !== undefined && { endpoint: origin.endpoint }),
    };
  } else if (hook.origin !== undefined && hook.origin !== null) out.origin = hook.origin;
  return out;
}

/** doo's list answers suffix each type with `_<32 hex digits>`; that suffix is dropped. */
function hookTypeOf(value: unknown, field: string): string {
  const name = typeof value === "string" ? /^([a-z_]+?)(?:_[0-9a-f]{32})?$/.exec(value.toLowerCase())?.[1] : undefined;
  const type = name === undefined ? undefined : dooHookTypes[name];
  if (!type) throw new DooJsonError(field, `must be one of ${Object.keys(dooHookTypes).join(", ")}`);
  return type;
}

function authenticationOf(auth: Record<string, unknown>): Record<string, unknown> {
  refuseUnknown(auth, known.authentication, "authentication");
  const out: Record<string, unknown> = { endpoint: auth.endpoint, credentials: auth.credentials };
  if (auth.grant_type !== undefined && auth.grant_type !== null) {
    if (typeof auth.grant_type !== "string" || auth.grant_type.toLowerCase() !== "client_credentials") {
      throw new DooJsonError("authentication.grant_type", "must be client_credentials");
    }
    out.grantType = "CLIENT_CREDENTIALS";
  }
  if (isPlainObject(auth.credentials)) {
    refuseUnknown(auth.credentials, known.credentials, "authentication.credentials");
    out.credentials = { clientId: auth.credentials.client_id, clientSecret: auth.credentials.client_secret };
  }
  if (auth.header_format !== undefined) out.headerFormat = auth.header_format;
  if (auth.header_value_format !== undefined) out.headerValueFormat = auth.header_value_format;
  return out;
}

function refuseUnknown(value: Record<string, unknown>, fields: readonly string[], at: string): void {
  const unknown = Object.keys(value).filter((field) => !fields.includes(field));
  if (unknown.length === 0) return;
  const named = unknown.map((field) => (at ? `${at}.${field}` : field));
  throw new DooJsonError(named[0]!, `is not a field of doo's AddWebhook object${named.length > 1 ? ` (nor ${named.slice(1).join(", ")})` : ""}; fields here: ${fields.filter((field) => field !== "id" && field !== "_links").join(", ")}`);
}

/** hookgate's field path (`input.hooks[0].endpoint`) in doo's spelling (`hooks[0].endpoint`), for the paste mode. */
export function dooFieldName(path: string): string {
  const names: Record<string, string> = {
    eventId: "event_id",
    eventGuideId: "event_guide_id",
    grantType: "grant_type",
    clientId: "client_id",
    clientSecret: "client_secret",
    headerFormat: "header_format",
    headerValueFormat: "header_value_format",
  };
  return path.replace(/^input\.?/, "").replace(/[A-Za-z]+/g, (name) => names[name] ?? name) || "JSON";
}
