import { randomUUID } from "node:crypto";
import type { Db } from "../store/database.js";
import {
  insertKeyedPublicationWithDeliveries,
  insertPublicationWithDeliveries,
  type NewPublication,
} from "../store/publication.repository.js";
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
  /** The publication's id when the caller chose it; absent: a new one. */
  publicationId?: string;
}

export interface Published {
  publicationId: string;
  deliveryCount: number;
}

/**
 * Records a publication and fans it out in the caller's transaction (the transactional outbox):
 * one delivery and one queue job per matching hook, or, if the transaction rolls back, nothing.
 * It is one statement, so a caller with nothing else to write needs no transaction of its own.
 */
export async function publish(trx: Db, publication: Publication): Promise<Published> {
  return insertPublicationWithDeliveries(trx, stored(publication));
}

/**
 * Like `publish`, claiming `idempotencyKey` for the publication in the same statement: null when
 * a publication of the last 24 hours holds the key, and then nothing is published.
 */
export async function publishOnce(db: Db, publication: Publication, idempotencyKey: string): Promise<Published | null> {
  const publicationId = publication.publicationId ?? randomUUID();
  return insertKeyedPublicationWithDeliveries(db, { ...stored(publication), publicationId }, idempotencyKey);
}

function stored(publication: Publication): NewPublication {
  const data = publication.data === undefined || publication.data === null ? null : JSON.stringify(publication.data);
  return {
    organizationId: publication.organizationId,
    type: publication.type,
    eventId: publication.eventId,
    orderId: publication.orderId,
    eventGuideId: publication.eventGuideId ?? null,
    occurredAt: publication.occurredAt ?? null,
    dataJson: data,
    external: publication.external ?? false,
    publicationId: publication.publicationId ?? null,
  };
}
