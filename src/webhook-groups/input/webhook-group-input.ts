import { normalizeUrl } from "../../config.js";
import { InputError } from "../../errors.js";
import type { BuiltInTypes } from "../../origin/built-in-schema.js";
import { checkRemoteOriginQuery, validateOriginQuery } from "../../origin/origin-document.js";
import { isPlainObject, parseOriginRequest } from "../../origin/origin-request.js";
import { resolveOriginTarget, type OriginPolicy } from "../../origin/origin-target.js";
import { checkPlaceholders } from "../../origin/placeholders.js";
import { parseCondition } from "../../publish/condition/validate-condition.js";
import { isUuid, shownId } from "../../store/ids.js";
import { isOperationalHookType, operationalHookTypes } from "../../store/column-values.js";
import type { BodyFormat, HookType, HttpMethod, SignatureScheme } from "../../store/tables.js";
import { checkEndpointUrl } from "../../outbound/endpoint-url.js";
import { type DeliveryOptionsDraft, parseDeliveryOptions } from "./delivery-options.js";
import { type GroupOptionsDraft, parseGroupOptions } from "./group-options.js";
import { checkHeaderName } from "./header-name.js";
import { checkOperationalHooks, refuseOperationalExtras } from "./operational-hooks.js";

/** `CreateWebhookGroupInput` of schema/webhook-group.graphql, as GraphQL (or the REST layer) hands it over. */
export interface CreateWebhookGroupInput {
  name: string;
  description?: string | null;
  eventId?: string | null;
  eventGuideId?: string | null;
  hooks: HookInput[];
  authentication?: AuthenticationInput | null;
  headers?: Array<{ name: string; value: string }> | null;
  secretKey?: string | null;
  includeData?: boolean | null;
  ordered?: boolean | null;
  maxRequestsPerSecond?: number | null;
  signature?: SignatureScheme | null;
}
export type WebhookGroupInput = CreateWebhookGroupInput;
export interface HookInput {
  type: HookType;
  method?: HttpMethod | null;
  endpoint: string;
  origin?: OriginInput | null;
  /** JSON: a filter over the event or order (src/publish/condition/validate-condition.ts). */
  condition?: unknown;
  bodyFormat?: BodyFormat | null;
}
export interface OriginInput {
  method?: HttpMethod | null;
  endpoint?: string | null;
  body: string;
}
export interface AuthenticationInput {
  grantType?: "CLIENT_CREDENTIALS" | null;
  endpoint: string;
  credentials: { clientId: string; clientSecret: string };
  scope?: string | null;
  headerFormat?: string | null;
  headerValueFormat?: string | null;
}

export interface WebhookGroupDraft extends GroupOptionsDraft, DeliveryOptionsDraft {
  name: string;
  description: string | null;
  eventId: string | null;
  eventGuideId: string | null;
  hooks: HookDraft[];
  authentication: AuthenticationDraft | null;
  signature: SignatureScheme;
}
export interface HookDraft {
  type: HookType;
  method: HttpMethod;
  endpoint: string;
  origin: OriginDraft | null;
  /** Checked; null for none (absent, null or `{}`: every change matches). */
  condition: unknown | null;
  bodyFormat: BodyFormat;
}
/** `endpoint` as given (normalized), or null; `target` says where it runs. `body` as sent, trimmed. */
export interface OriginDraft {
  method: HttpMethod;
  endpoint: string | null;
  target: "BUILT_IN" | "REMOTE";
  body: string;
}
export interface AuthenticationDraft {
  grantType: "CLIENT_CREDENTIALS";
  endpoint: string;
  clientId: string;
  clientSecret: string;
  scope: string | null;
  headerFormat: string;
  headerValueFormat: string;
}

export type WebhookGroupInputOptions = { builtInSchema: BuiltInTypes; originPolicy: OriginPolicy };

const HOOK_TYPES: readonly HookType[] = [
  "EVENT_CREATED", "EVENT_REMOVED", "EVENT_UPDATED",
  "ORDER_CREATED", "ORDER_REMOVED", "ORDER_UPDATED", "ORDER_CANCELLED",
  ...operationalHookTypes,
];
const METHODS: readonly HttpMethod[] = ["POST", "PUT", "PATCH"];
const BODY_FORMATS: readonly BodyFormat[] = ["JSON", "FORM"];
const SIGNATURE_SCHEMES: readonly SignatureScheme[] = ["HMAC_SHA256", "ED25519"];
const MAX_HOOKS = 50;
const MAX_ORIGIN_BODY_BYTES = 64 * 1024;
/**
 * Checks and normalizes a webhook group before anything is written. Pure: whether the event or
 * event guide exists in the caller's organization is for the caller to check afterwards.
 */
export function parseWebhookGroupInput(input: CreateWebhookGroupInput, options: WebhookGroupInputOptions): WebhookGroupDraft {
  if (!isPlainObject(input)) throw new InputError("input", "must be an object");
  // Checked in the order of the SDL, so the first error reported is the first one a reader meets.
  const name = text(input.name, "input.name", { min: 1, max: 200 });
  const description = text(input.description ?? "", "input.description", { max: 2000, controls: true });
  const eventId = optionalUuid(input.eventId, "input.eventId", "event");
  const eventGuideId = optionalUuid(input.eventGuideId, "input.eventGuideId", "event guide");
  if (eventId !== null && eventGuideId !== null) {
    throw new InputError("input.eventGuideId", "give eventId or eventGuideId, not both");
  }
  const hooks: unknown = input.hooks;
  if (!Array.isArray(hooks) || hooks.length === 0) throw new InputError("input.hooks", "give at least one hook");
  if (hooks.length > MAX_HOOKS) throw new InputError("input.hooks", `at most ${MAX_HOOKS} hooks per group`);
  const parsedHooks = hooks.map((hook: unknown, index) => parseHook(hook, `input.hooks[${index}]`, options));
  checkOperationalHooks(parsedHooks, eventId !== null || eventGuideId !== null);
  const authentication = input.authentication == null ? null : parseAuthentication(input.authentication);
  return {
    name,
    description: description === "" ? null : description,
    eventId,
    eventGuideId,
    hooks: parsedHooks,
    authentication,
    ...parseGroupOptions(input, authentication?.headerFormat ?? null),
    ...parseDeliveryOptions(input),
    signature: oneOf(input.signature ?? "HMAC_SHA256", SIGNATURE_SCHEMES, "input.signature"),
  };
}

function parseHook(hook: unknown, path: string, options: WebhookGroupInputOptions): HookDraft {
  if (!isPlainObject(hook)) throw new InputError(path, "must be an object");
  const type = oneOf(hook.type, HOOK_TYPES, `${path}.type`);
  if (isOperationalHookType(type)) refuseOperationalExtras(hook, type, path);
  return {
    type,
    method: oneOf(hook.method ?? "POST", METHODS, `${path}.method`),
    endpoint: checkEndpointUrl(hook.endpoint, `${path}.endpoint`),
    origin: hook.origin == null ? null : parseOrigin(hook.origin, type, `${path}.origin`, options),
    condition: parseCondition(hook.condition, `${path}.condition`),
    bodyFormat: oneOf(hook.bodyFormat ?? "JSON", BODY_FORMATS, `${path}.bodyFormat`),
  };
}

function parseOrigin(origin: unknown, hookType: HookType, path: string, options: WebhookGroupInputOptions): OriginDraft {
  if (!isPlainObject(origin)) throw new InputError(path, "must be an object");
  const method = oneOf(origin.method ?? "POST", METHODS, `${path}.method`);
  const bodyField = `${path}.body`;
  const body = text(origin.body, bodyField, { min: 1, controls: true });
  if (Buffer.byteLength(body, "utf8") > MAX_ORIGIN_BODY_BYTES) throw new InputError(bodyField, "must be at most 64 KiB");
  const request = parseOriginRequest(body, bodyField);
  // Checked on the decoded request: a placeholder spelled with JSON escapes is still a placeholder.
  checkPlaceholders(JSON.stringify(request), hookType, bodyField);
  const endpoint = origin.endpoint == null ? null : text(origin.endpoint, `${path}.endpoint`, {});
  const target = resolveOriginTarget(endpoint, options.originPolicy, `${path}.endpoint`);
  if (target.kind === "built-in") validateOriginQuery(options.builtInSchema, request, bodyField);
  else checkRemoteOriginQuery(request, bodyField);
  return {
    method,
    // Kept as given (normalized), so a client sees back what it sent, e.g. doo's gql.doo.net.
    endpoint: endpoint?.trim() ? normalizeUrl(endpoint.trim()) : null,
    target: target.kind === "built-in" ? "BUILT_IN" : "REMOTE",
    body,
  };
}

function parseAuthentication(auth: unknown): AuthenticationDraft {
  const path = "input.authentication";
  if (!isPlainObject(auth)) throw new InputError(path, "must be an object");
  if ((auth.grantType ?? "CLIENT_CREDENTIALS") !== "CLIENT_CREDENTIALS") {
    throw new InputError(`${path}.grantType`, "must be CLIENT_CREDENTIALS");
  }
  const credentials = auth.credentials;
  if (!isPlainObject(credentials)) throw new InputError(`${path}.credentials`, "must be an object { clientId, clientSecret }");
  const scope = text(auth.scope ?? "", `${path}.scope`, { max: 1000 }).trim();
  const headerFormat = checkHeaderName(text(auth.headerFormat ?? "Authorization", `${path}.headerFormat`, { min: 1 }), `${path}.headerFormat`);
  const valueField = `${path}.headerValueFormat`;
  const headerValueFormat = text(auth.headerValueFormat ?? "Bearer %ACCESS_TOKEN%", valueField, { max: 1000, controls: true });
  // Checked before the general control-character rule so the message names the likely mistake.
  if (/[\r\n]/.test(headerValueFormat)) throw new InputError(valueField, "must not contain line breaks");
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(headerValueFormat)) throw new InputError(valueField, "must not contain control characters");
  if (!headerValueFormat.includes("%ACCESS_TOKEN%")) throw new InputError(valueField, "must contain %ACCESS_TOKEN%");
  return {
    grantType: "CLIENT_CREDENTIALS",
    endpoint: checkEndpointUrl(auth.endpoint, `${path}.endpoint`),
    clientId: text(credentials.clientId, `${path}.credentials.clientId`, { min: 1, max: 500, trim: false }),
    clientSecret: text(credentials.clientSecret, `${path}.credentials.clientSecret`, { min: 1, max: 2000, trim: false, controls: true }),
    scope: scope === "" ? null : scope,
    headerFormat,
    headerValueFormat,
  };
}

/**
 * A string, trimmed unless told otherwise, within length bounds (in characters). NUL is always
 * refused (PostgreSQL text cannot hold it); other control characters unless `controls` allows them.
 */
function text(value: unknown, field: string, rules: { min?: number; max?: number; trim?: boolean; controls?: boolean }): string {
  if (typeof value !== "string") throw new InputError(field, "must be a string");
  const result = rules.trim === false ? value : value.trim();
  if (result.includes("\u0000")) throw new InputError(field, "must not contain NUL characters");
  if (!rules.controls && /[\u0001-\u001f\u007f]/.test(result)) throw new InputError(field, "must not contain control characters");
  const length = [...result].length;
  if (rules.min !== undefined && length < rules.min) throw new InputError(field, rules.min === 1 ? "must not be empty" : `must be at least ${rules.min} characters`);
  if (rules.max !== undefined && length > rules.max) throw new InputError(field, `must be at most ${rules.max} characters`);
  return result;
}

function optionalUuid(value: unknown, field: string, what: string): string | null {
  if (value === null || value === undefined) return null;
  // A malformed id cannot exist; answer as for an unknown one so ids reveal nothing either way.
  if (typeof value !== "string" || !isUuid(value)) throw new InputError(field, `no ${what} ${shownId(value)} in your organization`);
  return value.toLowerCase();
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(field, `must be one of ${allowed.join(", ")}`);
}
