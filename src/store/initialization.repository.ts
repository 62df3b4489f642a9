import { everyGroup, type GroupReach, groupWithinReach } from "./group-reach.js";
import { sql } from "kysely";
import type { Db } from "./database.js";
import { queueInitializeJob } from "./jobs.js";
import type { HookType, InitializationRow } from "./tables.js";

/** An initialization's pace, in deliveries per second, for a group without maxRequestsPerSecond. */
export const defaultInitializationPerSecond = 50;

/** What an initialization re-pushes: the group's scope, narrowed by an event and a window. */
export interface InitializationScope {
  organizationId: string;
  /** The group's own scope: one event, one guide's events, or (both null) the whole organization. */
  groupEventId: string | null;
  groupEventGuideId: string | null;
  /** Only this event (and its orders); null: every event in the scope. */
  eventId: string | null;
  /** [since, until) over the events' or orders' creation; since null: from the first. */
  since: Date | null;
  until: Date;
}

/**
 * SQL filtering `e` (events) to the scope's existing (not removed) events, and, for orders, `o`
 * to the existing orders of those events within the window. The window applies to `created`:
 * `e.created_at` or `o.created_at`.
 */
export function scopeFilter(scope: InitializationScope, created: ReturnType<typeof sql>) {
  return sql`e.organization_id = ${scope.organizationId} and e.removed_at is null
    and (${scope.groupEventId}::uuid is null or e.id = ${scope.groupEventId}::uuid)
    and (${scope.groupEventGuideId}::uuid is null or e.event_guide_id = ${scope.groupEventGuideId}::uuid)
    and (${scope.eventId}::uuid is null or e.id = ${scope.eventId}::uuid)
    and (${scope.since}::timestamptz is null or ${created} >= ${scope.since}::timestamptz)
    and ${created} < ${scope.until}::timestamptz`;
}

/** How many events (EVENT_CREATED) or orders (ORDER_CREATED) the scope holds: one count, index-backed. */
export async function countSources(db: Db, scope: InitializationScope, type: HookType): Promise<number> {
  const query =
    type === "EVENT_CREATED"
      ? sql<{ n: string }>`select count(*) as n from events e where ${scopeFilter(scope, sql`e.created_at`)}`
      : sql<{ n: string }>`select count(*) as n from orders o join events e on e.organization_id = o.organization_id and e.id = o.event_id
          where o.organization_id = ${scope.organizationId} and o.removed_at is null and ${scopeFilter(scope, sql`o.created_at`)}`;
  const { rows } = await query.execute(db);
  return Number(rows[0]!.n);
}

/** The group's hooks of each type, counted. */
export async function countHooksByType(db: Db, organizationId: string, groupId: string): Promise<Map<HookType, number>> {
  const rows = await db
    .selectFrom("hooks")
    .select(["type", (eb) => eb.fn.countAll<string>().as("n")])
    .where("organization_id", "=", organizationId)
    .where("webhook_group_id", "=", groupId)
    .groupBy("type")
    .execute();
  return new Map(rows.map((row) => [row.type, Number(row.n)]));
}

export interface NewInitialization {
  organizationId: string;
  groupId: string;
  types: HookType[];
  eventId: string | null;
  since: Date | null;
  until: Date;
  perSecond: number;
  queued: number;
}

/**
 * The initialization and the job of its first batch, in one statement. Undefined when the group
 * already has one still queuing (the unique index `initializations_one_queuing` refuses it).
 */
export async function insertInitialization(db: Db, initialization: NewInitialization): Promise<InitializationRow | undefined> {
  try {
    const { rows } = await sql<InitializationRow & { jobs: number }>`
      with created as (
        insert into initializations (organization_id, webhook_group_id, types, event_id, since, until, per_second, queued)
        values (${initialization.organizationId}, ${initialization.groupId}, ${initialization.types}::text[], ${initialization.eventId},
                ${initialization.since}::timestamptz, ${initialization.until}::timestamptz, ${initialization.perSecond}, ${initialization.queued})
        returning *
      )
      select created.*, ${queueInitializeJob(sql`created.id`, sql`now()`)} as jobs from created`.execute(db);
    const { jobs: _jobs, ...row } = rows[0]!;
    return row;
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).constraint === "initializations_one_queuing") return undefined;
    throw error;
  }
}

/** The group's initialization still queuing, if any. */
export async function findQueuingInitialization(db: Db, groupId: string): Promise<{ id: string } | undefined> {
  return db.selectFrom("initializations").select("id").where("webhook_group_id", "=", groupId).where("all_queued_at", "is", null).executeTakeFirst();
}

/** One initialization of a group within `reach` (the group may since have been deleted: the record stays). */
export async function findInitialization(
  db: Db,
  organizationId: string,
  id: string,
  reach: GroupReach = everyGroup,
): Promise<InitializationRow | undefined> {
  return db
    .selectFrom("initializations")
    .innerJoin("webhook_groups", "webhook_groups.id", "initializations.webhook_group_id")
    .selectAll("initializations")
    .where("initializations.organization_id", "=", organizationId)
    .where("initializations.id", "=", id)
    .where(groupWithinReach(reach))
    .executeTakeFirst();
}

export interface InitializationProgress {
  delivered: number;
  failed: number;
  finishedAt: Date | null;
}

/**
 * How the initialization's deliveries stand: counted from deliveries_initialization (index only:
 * initialization id and status). The first read that finds every delivery queued and finished
 * records when (the last delivery's end), so later reads need not look at the deliveries' rows.
 */
export async function initializationProgress(db: Db, initialization: InitializationRow): Promise<InitializationProgress> {
  const { rows } = await sql<{ delivered: string; failed: string; unfinished: string }>`
    select count(*) filter (where status = 'SUCCEEDED') as delivered,
           count(*) filter (where status in ('FAILED', 'GONE')) as failed,
           count(*) filter (where status in ('PENDING', 'RETRYING')) as unfinished
    from deliveries where initialization_id = ${initialization.id}`.execute(db);
  const counts = rows[0]!;
  const progress = { delivered: Number(counts.delivered), failed: Number(counts.failed) };
  if (initialization.finished_at !== null) return { ...progress, finishedAt: initialization.finished_at };
  if (initialization.all_queued_at === null || Number(counts.unfinished) > 0) return { ...progress, finishedAt: null };
  const { rows: marked } = await sql<{ finished_at: Date }>`
    update initializations i
    set finished_at = greatest(i.all_queued_at, (select max(d.finished_at) from deliveries d where d.initialization_id = i.id))
    where i.id = ${initialization.id}
    returning i.finished_at`.execute(db);
  return { ...progress, finishedAt: marked[0]?.finished_at ?? null };
}
