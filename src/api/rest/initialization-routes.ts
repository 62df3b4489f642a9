import { InputError, NotFoundError } from "../../errors.js";
import { type InitializeInput, initializeWebhookGroup } from "../../initialization/initialize-webhook-group.js";
import { isPlainObject } from "../../origin/origin-request.js";
import { unstorableStringAt } from "../../store/storable-text.js";
import type { HookType } from "../../store/tables.js";
import { reachOf, requireAdmin } from "../access.js";
import { unstorableTextProblem } from "../input/storable-input.js";
import { DooInputError } from "./doo-field-names.js";
import { type RestAnswer, success } from "./envelope.js";
import type { RestCall } from "./rest-call.js";

/** The resource of `POST /v1/webhooks/init/<resource>` → the hook type it re-pushes. */
const resourceTypes: Readonly<Record<string, HookType>> = { events: "EVENT_CREATED", orders: "ORDER_CREATED" };

/** doo's initialization body, and the names hookgate's own fields have there. */
const dooNames: Readonly<Record<string, string>> = {
  groupId: "configuration_id",
  "input.eventId": "event_id",
  "input.since": "from",
  "input.until": "to",
  "input.types[0]": "configuration_id",
};
const bodyFields = ["configuration_id", "event_id", "from", "to"];

/**
 * POST /v1/webhooks/init/events and /v1/webhooks/init/orders: doo's initialization of a webhook
 * configuration, `{ "configuration_id", "event_id"?, "from"?, "to"? }`, answered in doo's envelope
 * with the count of deliveries queued as `data` (and hookgate's `initialization_id`, to follow its
 * progress with the GraphQL `initialization(id:)`). Refusals name doo's fields.
 */
export async function initializeConfiguration(call: RestCall): Promise<RestAnswer> {
  const caller = requireAdmin(call.context);
  const { organizationId } = caller;
  const type = resourceTypes[call.params[0] ?? ""]!;
  const body = call.body;
  if (!isPlainObject(body)) throw new DooInputError("body", `must be a JSON object: { ${bodyFields.map((f) => `"${f}"`).join(", ")} }`);
  const unstorable = unstorableStringAt(body, "body");
  if (unstorable !== null) throw new DooInputError(unstorable.replace(/^body\./, ""), unstorableTextProblem);
  const unknown = Object.keys(body).filter((field) => !bodyFields.includes(field));
  if (unknown.length > 0) throw new DooInputError(shown(unknown[0]!), `is not a field of doo's initialization body; fields: ${bodyFields.join(", ")}`);
  const configurationId = body.configuration_id;
  if (typeof configurationId !== "string") throw new DooInputError("configuration_id", "must be the id of a webhook configuration");
  const input: InitializeInput = {
    types: [type],
    eventId: optionalText(body.event_id, "event_id"),
    since: optionalText(body.from, "from"),
    until: optionalText(body.to, "to"),
  };
  try {
    const initialization = await initializeWebhookGroup(call.services, organizationId, configurationId, input, reachOf(caller));
    const answer = success(initialization.queued, `${call.services.config.publicUrl}${call.url.pathname}`);
    return { ...answer, body: { ...(answer.body as object), initialization_id: initialization.id } };
  } catch (error) {
    throw inDooNames(error);
  }
}

function optionalText(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new DooInputError(field, field === "event_id" ? "must be an event id" : "must be a date-time such as 2026-11-20T00:00:00Z");
  return value;
}

/** The use case names GraphQL's fields; a doo client reads its own. */
function inDooNames(error: unknown): unknown {
  if (error instanceof InputError && !(error instanceof DooInputError) && Object.hasOwn(dooNames, error.field)) {
    const field = dooNames[error.field]!;
    const problem = error.message.slice(error.field.length + 2).replace(/\bhas no (EVENT|ORDER)_CREATED hook\b/, (_, kind: string) => `has no ${kind.toLowerCase()}_created hook`);
    return new DooInputError(field, problem);
  }
  if (error instanceof NotFoundError && error.message.startsWith("groupId: ")) {
    return new NotFoundError(`configuration_id: ${error.message.slice("groupId: ".length)}`);
  }
  return error;
}

function shown(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}
