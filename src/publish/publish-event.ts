import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { InputError } from "../errors.js";
import type { Services } from "../services.js";
import { isUuid } from "../store/ids.js";
import { unstorableStringAt } from "../store/storable-text.js";
import type { HookType } from "../store/tables.js";
import { publish } from "./publish.js";

export interface PublishEventInput {
  type: HookType;
  eventId?: string | null;
  orderId?: string | null;
  eventGuideId?: string | null;
  occurredAt?: Date | string | null;
  data?: unknown;
  idempotencyKey?: string | null;
}

export interface PublishEventResult {
  publicationId: string;
  deliveryCount: number;
  duplicate: boolean;
}

const maxDataBytes = 64 * 1024;

/**
 * A happening reported by an external platform, fanned out like the built-in source's own. An
 * idempotency key makes a retried call harmless for 24 hours: it publishes nothing and answers
 * the first publication.
 */
export async function publishEvent(
  services: Services,
  organizationId: string,
  input: PublishEventInput,
): Promise<PublishEventResult> {
  const happening = checkInput(input);
  return services.db.transaction().execute(async (trx) => {
    const publicationId = randomUUID();
    if (happening.idempotencyKey !== null) {
      // Claims the key, or finds who holds it; a concurrent claim waits for the first to commit.
      const { rows } = await sql<{ publication_id: string; claimed: boolean }>`
        insert into publication_keys (organization_id, idempotency_key, publication_id)
        values (${organizationId}, ${happening.idempotencyKey}, ${publicationId})
        on conflict (organization_id, idempotency_key) do update
          set publication_id = excluded.publication_id, created_at = now()
          where publication_keys.created_at < now() - interval '24 hours'
        returning publication_id, true as claimed`.execute(trx);
      if (rows.length === 0) return firstPublication(trx, organizationId, happening.idempotencyKey);
    }
    const { deliveryCount } = await publish(trx, {
      organizationId,
      publicationId,
      type: happening.type,
      eventId: happening.eventId,
      orderId: happening.orderId,
      eventGuideId: happening.eventGuideId,
      occurredAt: happening.occurredAt,
      data: happening.data,
      external: true,
    });
    return { publicationId, deliveryCount, duplicate: false };
  });
}

async function firstPublication(
  trx: Services["db"],
  organizationId: string,
  idempotencyKey: string,
): Promise<PublishEventResult> {
  const { rows } = await sql<{ publication_id: string; delivery_count: string }>`
    select k.publication_id, (select count(*) from deliveries d where d.publication_id = k.publication_id) as delivery_count
    from publication_keys k
    where k.organization_id = ${organizationId} and k.idempotency_key = ${idempotencyKey}`.execute(trx);
  const row = rows[0]!;
  return { publicationId: row.publication_id, deliveryCount: Number(row.delivery_count), duplicate: true };
}

function checkInput(input: PublishEventInput) {
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
