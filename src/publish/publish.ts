import type { Db } from "../store/database.js";
import { insertPublicationWithDeliveries } from "../store/publication.repository.js";
import type { HookType } from "../store/tables.js";

/**
 * A publication: something that happened in an organization — a change to the built-in source,
 * or what an external platform reported with `publishEvent` — as the hooks see it.
 */
export interface Publication {
  organizationId: string;
  type: HookType;
  eventId: string | null;
  orderId: string | null;
  /** Absent: taken from the event, so guide-scoped groups match changes to its events and orders. */
  eventGuideId?: string | null;
  occurredAt?: Date;
  /**
   * The subject: what the publication is about, as hook conditions (and includeData) see it. The
   * built-in source passes the event or order as the API shows it (src/publish/subject.ts);
   * publishEvent passes what the external platform sent. Absent: conditions see `{}`.
   */
  data?: unknown;
  /** True when `data` came from an external platform (publishEvent); false for the built-in source. */
  external?: boolean;
  /** Set when the caller already claimed an id for the publication (idempotent publishEvent). */
  publicationId?: string;
}

export interface Published {
  publicationId: string;
  deliveryCount: number;
}

/**
 * Records a publication and fans it out in the caller's transaction (the transactional outbox):
 * one delivery and one queue job per matching hook, or, if the transaction rolls back, nothing.
 */
export async function publish(trx: Db, publication: Publication): Promise<Published> {
  const data = publication.data === undefined || publication.data === null ? null : JSON.stringify(publication.data);
  return insertPublicationWithDeliveries(trx, {
    organizationId: publication.organizationId,
    type: publication.type,
    eventId: publication.eventId,
    orderId: publication.orderId,
    eventGuideId: publication.eventGuideId ?? null,
    occurredAt: publication.occurredAt ?? null,
    dataJson: data,
    external: publication.external ?? false,
    publicationId: publication.publicationId ?? null,
  });
}
