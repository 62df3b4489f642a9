import { InputError } from "../errors.js";
import type { Services } from "../services.js";
import { isUuid } from "../store/ids.js";
import { findKeyedPublication } from "../store/publication.repository.js";
import { unstorableStringAt } from "../store/storable-text.js";
import { isOperationalHookType } from "../store/column-values.js";
import type { ApiKeyMode, HookType } from "../store/tables.js";
import { publishAlone } from "./publish.js";

/** What an external platform reports (GraphQL `PublishEventInput`). */
export interface ExternalPublication {
  type: HookType;
  eventId?: string | null;
  orderId?: string | null;
  eventGuideId?: string | null;
  occurredAt?: Date | string | null;
  data?: unknown;
  idempotencyKey?: string | null;
}

export interface ExternalPublished {
  publicationId: string;
  deliveryCount: number;
  duplicate: boolean;
}

const maxDataBytes = 64 * 1024;

/**
 * A publication reported by an external platform (the `publishEvent` mutation), fanned out like
 * the built-in source's own, to the groups of the caller's `mode`. An idempotency key makes a
 * retried call harmless for 24 hours: it publishes nothing and answers the first publication of
 * that mode (a key used in sandbox never holds back a live publication).
 */
export async function publishExternal(
  services: Services,
  organizationId: string,
  input: ExternalPublication,
  mode: ApiKeyMode,
): Promise<ExternalPublished> {
  const { idempotencyKey, ...checked } = checkInput(input);
  // Nothing else to commit: no transaction of its own, and written together with the publications
  // that arrive at the same time (publishAlone).
  for (let tries = 1; ; tries++) {
    const published = await publishAlone(services.db, { organizationId, ...checked, external: true, mode }, idempotencyKey, services.metrics);
    if (published) return { ...published, duplicate: false };
    // Only a publication with a key goes unpublished: the publication holding the key answers.
    const first = await findKeyedPublication(services.db, organizationId, idempotencyKey!, mode);
    if (first) return { ...first, duplicate: true };
    // The key's 24 hours ended between the claim and the read, and retention deleted it: the key
    // is free, so this call publishes anew. A second claim either wins or finds a key claimed
    // just now, which nothing deletes for a day.
    if (tries === 2) throw new Error(`idempotency key vanished twice between its claim and its read`);
  }
}

function checkInput(input: ExternalPublication) {
  // Only hookgate publishes what happens to its groups: a platform could otherwise fake a notice.
  if (isOperationalHookType(input.type)) throw new InputError("input.type", `${input.type} is published by hookgate itself, not with publishEvent`);
  const isOrder = input.type.startsWith("ORDER_");
  const eventId = optionalId(input.eventId, "input.eventId");
  const orderId = optionalId(input.orderId, "input.orderId");
  if (eventId === null) throw new InputError("input.eventId", `is required for ${input.type}`);
  if (isOrder && orderId === null) throw new InputError("input.orderId", `is required for ${input.type}`);
  if (!isOrder && orderId !== null) throw new InputError("input.orderId", `has no place in ${input.type}`);
  let occurredAt: Date | undefined;
  if (input.occurredAt !== null && input.occurredAt !== undefined) {
    occurredAt = new Date(input.occurredAt);
    if (Number.isNaN(occurredAt.getTime())) throw new InputError("input.occurredAt", "is not a valid date-time");
  }
  const dataJson = input.data === undefined ? "" : (JSON.stringify(input.data) ?? "");
  if (Buffer.byteLength(dataJson, "utf8") > maxDataBytes) throw new InputError("input.data", "must be at most 64 KiB of JSON");
  // PostgreSQL's jsonb holds neither U+0000 nor a lone surrogate.
  const unstorable = unstorableStringAt(input.data, "input.data");
  if (unstorable) throw new InputError(unstorable, "must not contain NUL (\\u0000) or unpaired surrogate characters");
  const key = input.idempotencyKey ?? null;
  if (key !== null && (key.length === 0 || key.length > 200 || /[\u0000-\u001f\u007f]/.test(key))) {
    throw new InputError("input.idempotencyKey", "must be 1 to 200 printable characters");
  }
  return {
    type: input.type,
    eventId,
    orderId,
    eventGuideId: optionalId(input.eventGuideId, "input.eventGuideId"),
    occurredAt,
    data: input.data ?? null,
    idempotencyKey: key,
  };
}

// Ids match the built-in source's: UUIDs, so scopes and origin queries can use them.
function optionalId(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value)) throw new InputError(field, "must be a UUID");
  return value.toLowerCase();
}
