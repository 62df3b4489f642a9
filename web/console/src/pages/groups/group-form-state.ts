import type { BodyFormat, HookType, HttpMethod, SignatureScheme, WebhookGroup } from "./group-api.js";
import { originBodyText } from "./origin-body.js";

// The group form's state, as strings the inputs hold, and its translation to and from hookgate's
// CreateWebhookGroupInput. Checks that need hookgate (URLs, origin queries, limits) stay there.

export type Scope = "organization" | "event" | "eventGuide";

export interface HookRow {
  /** Stable across reordering, for React's keys. */
  key: number;
  type: HookType;
  method: HttpMethod;
  endpoint: string;
  /** The origin's JSON request; empty: the default payload. */
  origin: string;
  /** Where the origin query runs; empty: hookgate's built-in schema. */
  originEndpoint: string;
  /** How the origin request is sent (a copied group keeps its own). */
  originMethod: HttpMethod;
  /** JSON; empty: every publication. */
  condition: string;
  /** Kept from a copied group; the form has no input for it yet. */
  bodyFormat: BodyFormat;
}

export interface GroupForm {
  name: string;
  description: string;
  scope: Scope;
  eventId: string;
  eventGuideId: string;
  hooks: HookRow[];
  useAuthentication: boolean;
  authEndpoint: string;
  clientId: string;
  clientSecret: string;
  authScope: string;
  headerFormat: string;
  headerValueFormat: string;
  headers: Array<{ key: number; name: string; value: string }>;
  secretKey: string;
  includeData: boolean;
  ordered: boolean;
  maxRequestsPerSecond: string;
  /** Kept from a copied group (a replacement gets a new key pair of the same scheme). */
  signature: SignatureScheme;
}

let nextKey = 1;
export const rowKey = () => nextKey++;

export function emptyHook(overrides: Partial<HookRow> = {}): HookRow {
  return { key: rowKey(), type: "EVENT_CREATED", method: "POST", endpoint: "", origin: "", originEndpoint: "", originMethod: "POST", condition: "", bodyFormat: "JSON", ...overrides };
}

export function emptyForm(): GroupForm {
  return {
    name: "",
    description: "",
    scope: "organization",
    eventId: "",
    eventGuideId: "",
    hooks: [emptyHook()],
    useAuthentication: false,
    authEndpoint: "",
    clientId: "",
    clientSecret: "",
    authScope: "",
    headerFormat: "Authorization",
    headerValueFormat: "Bearer %ACCESS_TOKEN%",
    headers: [],
    secretKey: "",
    includeData: false,
    ordered: false,
    maxRequestsPerSecond: "",
    signature: "HMAC_SHA256",
  };
}

/**
 * A group's configuration as a form to copy and edit. hookgate never returns the client secret,
 * the static headers' values or the secret key: those fields stay empty for the user to enter again.
 */
export function formFromGroup(group: WebhookGroup): GroupForm {
  const auth = group.authentication;
  return {
    ...emptyForm(),
    name: group.name,
    description: group.description ?? "",
    scope: group.eventId ? "event" : group.eventGuideId ? "eventGuide" : "organization",
    eventId: group.eventId ?? "",
    eventGuideId: group.eventGuideId ?? "",
    hooks: group.hooks.map((hook) =>
      emptyHook({
        type: hook.type,
        method: hook.method,
        endpoint: hook.endpoint,
        origin: hook.origin?.body ?? "",
        originEndpoint: hook.origin?.endpoint ?? "",
        originMethod: hook.origin?.method ?? "POST",
        condition: hook.condition == null ? "" : JSON.stringify(hook.condition),
        bodyFormat: hook.bodyFormat ?? "JSON",
      }),
    ),
    useAuthentication: auth !== null,
    authEndpoint: auth?.endpoint ?? "",
    clientId: auth?.clientId ?? "",
    authScope: auth?.scope ?? "",
    headerFormat: auth?.headerFormat ?? "Authorization",
    headerValueFormat: auth?.headerValueFormat ?? "Bearer %ACCESS_TOKEN%",
    headers: group.headerNames.map((name) => ({ key: rowKey(), name, value: "" })),
    includeData: group.includeData,
    ordered: group.ordered,
    maxRequestsPerSecond: group.maxRequestsPerSecond === null ? "" : String(group.maxRequestsPerSecond),
    signature: group.signature ?? "HMAC_SHA256",
  };
}

/** A form value hookgate would not understand, named with the input path hookgate uses for it. */
export class FormError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export function inputFromForm(form: GroupForm): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: form.name.trim(),
    hooks: form.hooks.map((hook, index) => hookInput(hook, `input.hooks[${index}]`)),
    includeData: form.includeData,
    ordered: form.ordered,
  };
  if (form.description.trim()) input.description = form.description.trim();
  if (form.scope === "event") input.eventId = form.eventId;
  if (form.scope === "eventGuide") input.eventGuideId = form.eventGuideId;
  if (form.useAuthentication) {
    input.authentication = {
      endpoint: form.authEndpoint.trim(),
      credentials: { clientId: form.clientId, clientSecret: form.clientSecret },
      headerFormat: form.headerFormat,
      headerValueFormat: form.headerValueFormat,
      ...(form.authScope.trim() && { scope: form.authScope.trim() }),
    };
  }
  const headers = form.headers.filter((header) => header.name.trim() || header.value);
  if (headers.length > 0) input.headers = headers.map(({ name, value }) => ({ name: name.trim(), value }));
  if (form.secretKey) input.secretKey = form.secretKey;
  // Sent only when not the default, so what the form sends reads as what the user chose.
  if (form.signature !== "HMAC_SHA256") input.signature = form.signature;
  const rate = form.maxRequestsPerSecond.trim();
  if (rate) {
    if (!/^\d+$/.test(rate)) throw new FormError("input.maxRequestsPerSecond", "must be a whole number");
    input.maxRequestsPerSecond = Number(rate);
  }
  return input;
}

function hookInput(hook: HookRow, at: string): Record<string, unknown> {
  const input: Record<string, unknown> = { type: hook.type, method: hook.method, endpoint: hook.endpoint.trim() };
  if (hook.origin.trim()) {
    input.origin = {
      method: hook.originMethod,
      ...(hook.originEndpoint.trim() && { endpoint: hook.originEndpoint.trim() }),
      body: originBodyText(hook.origin),
    };
  }
  if (hook.condition.trim()) {
    try {
      input.condition = JSON.parse(hook.condition);
    } catch {
      throw new FormError(`${at}.condition`, 'must be JSON, e.g. {"status": {"$eq": "OPEN"}}');
    }
  }
  if (hook.bodyFormat !== "JSON") input.bodyFormat = hook.bodyFormat;
  return input;
}
