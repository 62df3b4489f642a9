import { randomUUID } from "node:crypto";
import type { Db } from "../store/database.js";
import {
  insertPublicationsWithDeliveries,
  type NewPublication,
  type PublicationOutcome,
} from "../store/publication.repository.js";
import type { ApiKeyMode, HookType } from "../store/tables.js";
import type { Metrics } from "../observability/metrics.js";
import { publicationSpan } from "./publication-span.js";

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
  /**
   * The mode of the key that made the change or reported it: a LIVE publication reaches LIVE
   * groups only, a SANDBOX one SANDBOX groups only.
   */
  mode: ApiKeyMode;
}

export interface Published {
  publicationId: string;
  deliveryCount: number;
}

/** Counts what is written (hookgate_publications_total). */
export type PublicationCounter = Pick<Metrics, "published">;

/**
 * Records a publication and fans it out in the caller's transaction (the transactional outbox):
 * one delivery and one queue job per matching hook, or, if the transaction rolls back, nothing.
 * `counter` counts it once written: a transaction that then fails to commit is counted too.
 */
export async function publish(trx: Db, publication: Publication, counter?: PublicationCounter): Promise<Published> {
  return publicationSpan(publication, async (traceparent) => {
    const [outcome] = await insertPublicationsWithDeliveries(trx, [stored(publication, null, traceparent)]);
    counter?.published(publication.type);
    return { publicationId: outcome!.publicationId, deliveryCount: outcome!.deliveryCount };
  });
}

/**
 * Publishes with nothing else to commit (publishEvent): claims `idempotencyKey`, if given, with the
 * publication; null when a publication of the last 24 hours holds the key, and then nothing is
 * published. Answers once the publication, its deliveries and their jobs are committed. Those
 * arriving while others are being written go together in one statement (PublicationBatches).
 */
export async function publishAlone(
  db: Db,
  publication: Publication,
  idempotencyKey: string | null,
  counter?: PublicationCounter,
): Promise<Published | null> {
  return publicationSpan(publication, async (traceparent): Promise<Published | null> => {
    const outcome = await batchesOf(db).add(stored(publication, idempotencyKey, traceparent));
    if (outcome.published) counter?.published(publication.type);
    return outcome.published ? { publicationId: outcome.publicationId, deliveryCount: outcome.deliveryCount } : null;
  });
}

function stored(publication: Publication, idempotencyKey: string | null, traceparent: string | null): NewPublication {
  const data = publication.data === undefined || publication.data === null ? null : JSON.stringify(publication.data);
  return {
    publicationId: publication.publicationId ?? randomUUID(),
    organizationId: publication.organizationId,
    type: publication.type,
    eventId: publication.eventId,
    orderId: publication.orderId,
    eventGuideId: publication.eventGuideId ?? null,
    occurredAt: publication.occurredAt ?? null,
    dataJson: data,
    external: publication.external ?? false,
    idempotencyKey,
    mode: publication.mode,
    traceparent,
  };
}

const maxStatements = 2;
const maxBatch = 100;

interface Waiting {
  publication: NewPublication;
  resolve(outcome: PublicationOutcome): void;
  reject(error: unknown): void;
}

/**
 * Publications that arrive while `maxStatements` statements are being written wait and go
 * together in the next one: under load a publication costs a share of a round trip, and alone it
 * goes at once. Each statement is its own transaction, so what it writes commits together.
 */
class PublicationBatches {
  private waiting: Waiting[] = [];
  private writing = 0;

  constructor(private readonly db: Db) {}

  add(publication: NewPublication): Promise<PublicationOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ publication, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.writing < maxStatements && this.waiting.length > 0) {
      const batch = this.take();
      this.writing += 1;
      void this.write(batch).finally(() => {
        this.writing -= 1;
        this.next();
      });
    }
  }

  /** Up to `maxBatch` in arrival order; a second with a key already in the batch waits for the next. */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const left: Waiting[] = [];
    const keys = new Set<string>();
    for (const waiting of this.waiting) {
      const { organizationId, mode, idempotencyKey } = waiting.publication;
      const key = idempotencyKey === null ? null : `${organizationId} ${mode} ${idempotencyKey}`;
      if (batch.length === maxBatch || (key !== null && keys.has(key))) {
        left.push(waiting);
      } else {
        batch.push(waiting);
        if (key !== null) keys.add(key);
      }
    }
    this.waiting = left;
    return batch;
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await insertPublicationsWithDeliveries(this.db, batch.map((waiting) => waiting.publication));
      batch.forEach((waiting, i) => waiting.resolve(outcomes[i]!));
    } catch (error) {
      // Refused for what one of them holds (bad data, a constraint, a deadlock): each goes again on
      // its own, so only that one fails. Anything else (a lost connection, perhaps after the
      // commit) fails them all, as it would have failed each: never written twice by hookgate.
      if (batch.length === 1 || !refusedForItsContent(error)) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      await Promise.all(
        batch.map((waiting) =>
          insertPublicationsWithDeliveries(this.db, [waiting.publication]).then(([outcome]) => waiting.resolve(outcome!), waiting.reject),
        ),
      );
    }
  }
}

/** SQLSTATE classes 22 (data exception), 23 (integrity constraint violation) and 40 (transaction rollback). */
function refusedForItsContent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(22|23|40)/.test(code);
}

const batches = new WeakMap<Db, PublicationBatches>();

function batchesOf(db: Db): PublicationBatches {
  let found = batches.get(db);
  if (!found) batches.set(db, (found = new PublicationBatches(db)));
  return found;
}
