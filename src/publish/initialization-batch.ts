import { randomUUID } from "node:crypto";
import type { Services } from "../services.js";
import { spacingMicros } from "../store/endpoint-rate-limits.js";
import {
  type BatchItem,
  findInitializationToRun,
  nextEvents,
  nextOrders,
  queueInitializationBatch,
  requeueInitialization,
  scopeOf,
  stopInitialization,
  type InitializationToRun,
  type SourceCursor,
  type SourceRow,
} from "../store/initialization-batches.js";
import type { InitializeJob } from "../store/jobs.js";
import type { EventRow, OrderRow } from "../store/tables.js";
import { retryTransient } from "../store/transient.js";
import { eventSubject, orderSubject } from "./subject.js";

/** The next batch is queued this long before the current one's last send time, so sends never pause between batches. */
const leadMs = 1_000;

/**
 * One batch of an initialization, the initialize task: the next `HOOKGATE_INITIALIZATION_BATCH`
 * events or orders after its cursor (keyset order: creation time, id), a publication and a
 * delivery per matching hook for each, their first rounds spaced at the initialization's pace
 * from its next send time, and the job of the next batch — all in one statement, so a crash
 * repeats a batch whole or not at all. Memory holds one batch, whatever the number of rows.
 *
 * The pace keeps the group's live deliveries going: a batch covers batchSize / pace seconds and
 * the next is queued only a second before it runs out, so the queue never holds more than about
 * one batch of the backfill ahead of them. A partner slower than the pace holds the next batch
 * back (more than a batch plus two seconds' worth not yet tried) rather than letting the backlog
 * grow. The sends themselves are also rate-limited at the pace (pace.ts), for every worker process together.
 */
export async function runInitializationBatch(services: Services, job: InitializeJob): Promise<void> {
  const { db, config } = services;
  const run = await retryTransient(() => findInitializationToRun(db, job.initializationId));
  if (!run || run.all_queued_at !== null) return;
  if (run.group_deleted_at !== null || !run.group_enabled) {
    const reason = run.group_deleted_at !== null ? "the webhook group was deleted" : "the webhook group was disabled";
    await retryTransient(() => stopInitialization(db, run.id, reason));
    return;
  }
  if (run.ahead_ms > leadMs) return retryTransient(() => requeueInitialization(db, run.id, run.ahead_ms - leadMs));
  const backlogLimit = config.initializationBatchSize + 2 * run.per_second;
  if (run.pending > backlogLimit) {
    const behindMs = ((run.pending - backlogLimit) / run.per_second) * 1_000;
    return retryTransient(() => requeueInitialization(db, run.id, Math.max(1_000, behindMs)));
  }

  const size = config.initializationBatchSize;
  const type = run.types[run.phase]!;
  const cursor: SourceCursor | null = run.cursor_micros === null || run.cursor_id === null ? null : { micros: run.cursor_micros, id: run.cursor_id };
  const items =
    type === "EVENT_CREATED"
      ? (await retryTransient(() => nextEvents(db, scopeOf(run), cursor, size))).map(eventItem)
      : (await retryTransient(() => nextOrders(db, scopeOf(run), cursor, size))).map(orderItem);
  // A full batch may have more after it; a short one ends this type's phase.
  const full = items.length === size;
  const next = full ? { phase: run.phase, cursor: items.at(-1)!.cursor } : { phase: run.phase + 1, cursor: null };
  await retryTransient(() =>
    queueInitializationBatch(db, {
      initializationId: run.id,
      batchesBefore: run.batches,
      type,
      items: items.map(({ item }) => item),
      next,
      last: !full && isLastPhase(run),
      spacingMicros: spacingMicros(run.per_second),
      leadMs,
    }),
  );
}

function isLastPhase(run: InitializationToRun): boolean {
  return run.phase >= run.types.length - 1;
}

function eventItem(source: SourceRow<EventRow>): { item: BatchItem; cursor: SourceCursor } {
  const event = source.row;
  return {
    item: {
      publicationId: randomUUID(),
      eventId: event.id,
      orderId: null,
      eventGuideId: event.event_guide_id,
      occurredAt: event.created_at,
      dataJson: JSON.stringify(eventSubject(event)),
    },
    cursor: source.cursor,
  };
}

function orderItem(source: SourceRow<OrderRow>): { item: BatchItem; cursor: SourceCursor } {
  const order = source.row;
  return {
    item: {
      publicationId: randomUUID(),
      eventId: order.event_id,
      orderId: order.id,
      eventGuideId: source.event.event_guide_id,
      occurredAt: order.created_at,
      dataJson: JSON.stringify(orderSubject(order, source.event)),
    },
    cursor: source.cursor,
  };
}
