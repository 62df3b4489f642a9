import { sql } from "kysely";
import type { Db } from "./database.js";
import { type InitializationScope, scopeFilter } from "./initialization.repository.js";
import { queueDeliverJobs, queueInitializeJob } from "./jobs.js";
import type { EventRow, HookType, InitializationRow, OrderRow } from "./tables.js";

// The statements of an initialization's batches (src/publish/initialization-batch.ts): where it
// stands, the next source rows after its cursor, and one statement that queues a batch.

/** An initialization as its next batch needs it, with its group's state, on the database's clock. */
export interface InitializationToRun extends InitializationRow {
  group_event_id: string | null;
  group_event_guide_id: string | null;
  group_deleted_at: Date | null;
  group_enabled: boolean;
  /** How far ahead of now its next send time is (negative: behind). */
  ahead_ms: number;
  /** Its deliveries not yet tried once: what the partner has still to take of the batches queued. */
  pending: number;
}

export async function findInitializationToRun(db: Db, id: string): Promise<InitializationToRun | undefined> {
  const { rows } = await sql<InitializationToRun>`
    select i.*, g.event_id as group_event_id, g.event_guide_id as group_event_guide_id,
      g.deleted_at as group_deleted_at, g.enabled as group_enabled,
      extract(epoch from i.next_send_at - now())::float8 * 1000 as ahead_ms,
      (select count(*)::int from deliveries d where d.initialization_id = i.id and d.status = 'PENDING') as pending
    from initializations i join webhook_groups g on g.organization_id = i.organization_id and g.id = i.webhook_group_id
    where i.id = ${id}`.execute(db);
  return rows[0];
}

export function scopeOf(run: InitializationToRun): InitializationScope {
  return {
    organizationId: run.organization_id,
    groupEventId: run.group_event_id,
    groupEventGuideId: run.group_event_guide_id,
    eventId: run.event_id,
    since: run.since,
    until: run.until,
  };
}

/** Where a keyset page starts: after this source row (creation time in µs since the epoch, id). */
export interface SourceCursor {
  micros: string;
  id: string;
}

/** A source row with its place in the keyset order. */
export interface SourceRow<Row> {
  row: Row;
  event: EventRow;
  cursor: SourceCursor;
}

const after = (created: ReturnType<typeof sql>, id: ReturnType<typeof sql>, cursor: SourceCursor | null) =>
  cursor === null
    ? sql`true`
    : sql`(${created}, ${id}) > (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id}::uuid)`;

/** The next `limit` events of the scope after `cursor`, oldest first. */
export async function nextEvents(db: Db, scope: InitializationScope, cursor: SourceCursor | null, limit: number): Promise<SourceRow<EventRow>[]> {
  const { rows } = await sql<EventRow & { cursor_micros: string }>`
    select e.*, (extract(epoch from e.created_at) * 1000000)::bigint::text as cursor_micros
    from events e
    where ${scopeFilter(scope, sql`e.created_at`)} and ${after(sql`e.created_at`, sql`e.id`, cursor)}
    order by e.created_at, e.id
    limit ${limit}`.execute(db);
  return rows.map(({ cursor_micros, ...event }) => ({ row: event, event, cursor: { micros: cursor_micros, id: event.id } }));
}

/** The next `limit` orders of the scope's events after `cursor`, oldest first, each with its event. */
export async function nextOrders(db: Db, scope: InitializationScope, cursor: SourceCursor | null, limit: number): Promise<SourceRow<OrderRow>[]> {
  const { rows } = await sql<OrderRow & { cursor_micros: string; event: Record<string, unknown> }>`
    select o.*, (extract(epoch from o.created_at) * 1000000)::bigint::text as cursor_micros, row_to_json(e) as event
    from orders o join events e on e.organization_id = o.organization_id and e.id = o.event_id
    where o.organization_id = ${scope.organizationId} and o.removed_at is null
      and ${scopeFilter(scope, sql`o.created_at`)} and ${after(sql`o.created_at`, sql`o.id`, cursor)}
    order by o.created_at, o.id
    limit ${limit}`.execute(db);
  return rows.map(({ cursor_micros, event, ...order }) => ({
    row: order,
    event: eventRowOf(event),
    cursor: { micros: cursor_micros, id: order.id },
  }));
}

/** row_to_json's event (timestamps as text) as node-postgres would have typed it. */
function eventRowOf(json: Record<string, unknown>): EventRow {
  const date = (value: unknown) => (value === null ? null : new Date(value as string));
  return {
    ...(json as unknown as EventRow),
    start_date: date(json.start_date)!,
    end_date: date(json.end_date)!,
    created_at: date(json.created_at)!,
    updated_at: date(json.updated_at)!,
    removed_at: date(json.removed_at),
  };
}

/** One publication's worth of a batch: a source row as the hooks see it. */
export interface BatchItem {
  publicationId: string;
  eventId: string;
  orderId: string | null;
  eventGuideId: string | null;
  /** The source row's creation: the publication's time. */
  occurredAt: Date;
  /** The subject as JSON text (conditions, includeData). */
  dataJson: string;
}

export interface QueuedBatch {
  /** Deliveries queued by this batch. */
  created: number;
  /** False when another run queued this batch first (nothing was written). */
  written: boolean;
}

/**
 * One statement for one batch, guarded by the batch number read before it (a second run of the
 * same batch writes nothing): per source row a publication (its subject, at its creation time),
 * and per hook of `type` in the group whose condition it meets a delivery marked with the
 * initialization and its first job, their send times `spacingMicros` apart from the
 * initialization's next send time; then the initialization's cursor moves on, and its next batch
 * is queued for `leadMs` before its next send time, unless this was the last.
 */
export async function queueInitializationBatch(
  db: Db,
  batch: {
    initializationId: string;
    batchesBefore: number;
    type: HookType;
    items: readonly BatchItem[];
    next: { phase: number; cursor: SourceCursor | null };
    last: boolean;
    spacingMicros: number;
    leadMs: number;
  },
): Promise<QueuedBatch> {
  const column = <T>(value: (item: BatchItem) => T) => batch.items.map(value);
  const spacing = sql`(${batch.spacingMicros} * interval '1 microsecond')`;
  const { rows } = await sql<{ created: number }>`
    with guard as (
      -- The group's mode is the backfill's: its publications and deliveries are of that mode, as a
      -- change published by a key of the mode would make them.
      select i.id, i.organization_id, i.webhook_group_id, greatest(i.next_send_at, now()) as start_at, wg.mode
      from initializations i
      join webhook_groups wg on wg.id = i.webhook_group_id
      where i.id = ${batch.initializationId} and i.batches = ${batch.batchesBefore} and i.all_queued_at is null
      for update of i
    ), input as (
      select * from unnest(
        ${column((i) => i.publicationId)}::uuid[], ${column((i) => i.eventId)}::uuid[], ${column((i) => i.orderId)}::uuid[],
        ${column((i) => i.eventGuideId)}::uuid[], ${column((i) => i.occurredAt)}::timestamptz[], ${column((i) => i.dataJson)}::jsonb[]
      ) with ordinality as i (publication_id, event_id, order_id, event_guide_id, occurred_at, data, position)
    ), publication as (
      insert into publications (id, organization_id, type, event_id, order_id, event_guide_id, occurred_at, data, external, mode)
      select i.publication_id, g.organization_id, ${batch.type}, i.event_id, i.order_id, i.event_guide_id, i.occurred_at, i.data, false, g.mode
      from input i cross join guard g
    ), planned as materialized (
      select gen_random_uuid() as id, g.organization_id, i.publication_id, g.webhook_group_id, h.id as hook_id,
        i.event_id, i.order_id, i.event_guide_id, i.occurred_at, g.mode,
        g.start_at + (row_number() over (order by i.position, h.position) - 1) * ${spacing} as run_at
      from input i cross join guard g
      join hooks h on h.organization_id = g.organization_id and h.webhook_group_id = g.webhook_group_id and h.type = ${batch.type}
      -- The hook's condition over the subject, as publishing evaluates it.
      where h.condition is null or hookgate_condition_matches(h.condition, i.data)
    ), created as (
      insert into deliveries (id, organization_id, publication_id, webhook_group_id, hook_id, type, event_id, order_id,
                              event_guide_id, occurred_at, initialization_id, next_attempt_at, mode)
      select id, organization_id, publication_id, webhook_group_id, hook_id, ${batch.type}, event_id, order_id,
             event_guide_id, occurred_at, ${batch.initializationId}::uuid, run_at, mode
      from planned
      returning id, next_attempt_at
    ), advanced as (
      update initializations i
      set batches = i.batches + 1, phase = ${batch.next.phase},
        cursor_micros = ${batch.next.cursor?.micros ?? null}::bigint, cursor_id = ${batch.next.cursor?.id ?? null}::uuid,
        next_send_at = g.start_at + (select count(*) from planned) * ${spacing},
        all_queued_at = case when ${batch.last}::boolean then now() end,
        -- The exact number, once known: rows committed after the count was taken are included.
        queued = case when ${batch.last}::boolean
          then (select count(*) from deliveries d where d.initialization_id = i.id) + (select count(*) from planned)
          else i.queued end
      from guard g
      where i.id = g.id
      returning i.id, i.next_send_at, i.all_queued_at
    )
    select (select count(*)::int from planned) as created,
      ${queueDeliverJobs(sql`created`, { deliveryId: sql`id`, round: 1, attemptsRecorded: 0, runAt: sql`next_attempt_at` })} as jobs,
      ${queueInitializeJob(sql`(case when a.all_queued_at is null then a.id end)`, sql`a.next_send_at - ${batch.leadMs} * interval '1 millisecond'`)} as next
    from advanced a`.execute(db);
  const row = rows[0];
  return row ? { created: Number(row.created), written: true } : { created: 0, written: false };
}

/** The next batch's job, `inMs` from now (it is early, or the partner is behind). */
export async function requeueInitialization(db: Db, id: string, inMs: number): Promise<void> {
  await sql`select ${queueInitializeJob(sql`${id}::uuid`, sql`now() + ${Math.ceil(inMs)} * interval '1 millisecond'`)}`.execute(db);
}

/** Queues nothing more: the group was deleted or disabled. `queued` becomes what was queued. */
export async function stopInitialization(db: Db, id: string, reason: string): Promise<void> {
  await sql`
    update initializations i
    set all_queued_at = now(), stopped_reason = ${reason},
      queued = (select count(*) from deliveries d where d.initialization_id = i.id)
    where i.id = ${id} and i.all_queued_at is null`.execute(db);
}
