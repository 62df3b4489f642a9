import { InputError } from "../../errors.js";
import { isPlainObject } from "../../origin/origin-request.js";
import { unstorableStringAt } from "../../store/storable-text.js";
import type { HookType } from "../../store/tables.js";
import type { AuthenticationInput, CreateWebhookGroupInput, HookInput } from "../../webhook-groups/input/webhook-group-input.js";
import { unstorableTextProblem } from "../input/storable-input.js";
import { DooInputError } from "./doo-field-names.js";
import { refuseUnknownFields } from "./doo-known-fields.js";

/** doo's hook type names (lowercase, no `on_` prefix) → hookgate's. */
export const dooHookTypes: Readonly<Record<string, HookType>> = {
  event_created: "EVENT_CREATED",
  event_removed: "EVENT_REMOVED",
  event_updated: "EVENT_UPDATED",
  order_created: "ORDER_CREATED",
  order_removed: "ORDER_REMOVED",
  order_updated: "ORDER_UPDATED",
  order_cancelled: "ORDER_CANCELLED",
};

/**
 * doo's AddWebhook object → `CreateWebhookGroupInput`, so REST creates through the same
 * validation, encryption and tenancy code as GraphQL. Only spellings change here (snake_case,
 * lowercase types, `client_credentials`); values of the wrong kind pass through untouched for
 * that validation to refuse by name. A field hookgate does not read is refused, naming it, except
 * the read-only `id` and `_links` of doo's own list answers.
 * Errors name GraphQL paths (`input.hooks[0].type`) like the validation's own, so one
 * translation (doo-field-names.ts) serves both.
 */
export function fromAddWebhook(body: unknown): CreateWebhookGroupInput {
  if (!isPlainObject(body)) throw new InputError("input", "must be a JSON object (doo's AddWebhook object)");
  // The rule GraphQL variables follow (storable-input.ts), checked first so no message quotes such text.
  const unstorable = unstorableStringAt(body, "body");
  if (unstorable !== null) throw new DooInputError(unstorable.replace(/^body\./, ""), unstorableTextProblem);
  refuseUnknownFields(body);
  return {
    name: unchecked(body.name),
    description: unchecked(body.description),
    eventId: unchecked(body.event_id),
    eventGuideId: unchecked(body.event_guide_id),
    hooks: Array.isArray(body.hooks) ? body.hooks.map((hook: unknown, index) => hookOf(hook, index)) : unchecked(body.hooks),
    authentication: isPlainObject(body.authentication) ? authenticationOf(body.authentication) : unchecked(body.authentication),
  };
}

function hookOf(hook: unknown, index: number): HookInput {
  if (!isPlainObject(hook)) return unchecked(hook);
  const origin = hook.origin;
  return {
    type: hookTypeOf(hook.type, `input.hooks[${index}].type`),
    method: unchecked(hook.method),
    endpoint: unchecked(hook.endpoint),
    origin: isPlainObject(origin)
      ? { method: unchecked(origin.method), endpoint: unchecked(origin.endpoint), body: unchecked(origin.body) }
      : unchecked(origin),
  };
}

/**
 * doo's own list answers types with a per-hook suffix (`event_created_<32 hex digits>`); a client
 * following doo's "list, adjust, create new" with such a list is understood too.
 */
function hookTypeOf(value: unknown, field: string): HookType {
  const name = typeof value === "string" ? /^([a-z_]+?)(?:_[0-9a-f]{32})?$/.exec(value)?.[1] : undefined;
  const type = name === undefined ? undefined : dooHookTypes[name];
  if (!type) throw new InputError(field, `must be one of ${Object.keys(dooHookTypes).join(", ")}`);
  return type;
}

function authenticationOf(auth: Record<string, unknown>): AuthenticationInput {
  const credentials = auth.credentials;
  return {
    grantType: grantTypeOf(auth.grant_type),
    endpoint: unchecked(auth.endpoint),
    credentials: isPlainObject(credentials)
      ? { clientId: unchecked(credentials.client_id), clientSecret: unchecked(credentials.client_secret) }
      : unchecked(credentials),
    headerFormat: unchecked(auth.header_format),
    headerValueFormat: unchecked(auth.header_value_format),
  };
}

function grantTypeOf(value: unknown): "CLIENT_CREDENTIALS" | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" && value.toLowerCase() === "client_credentials") return "CLIENT_CREDENTIALS";
  throw new InputError("input.authentication.grantType", "must be client_credentials");
}

/** parseWebhookGroupInput checks every value again, so a client's value is handed over as sent. */
function unchecked<T>(value: unknown): T {
  return value as T;
}
