import { type RawBuilder, sql } from "kysely";
import type { Db } from "./database.js";
import { queueDeliverJobs } from "./jobs.js";

// Operational webhooks (docs/operational-webhooks.md): hookgate's own events about a group —
// GROUP_DISABLED, DELIVERY_FAILED, GROUP_RECOVERED — published like a change to the source, in
// the statement (or transaction) of the state change they announce, so a process that dies right
// after loses neither. Each notice is a publication (its facts, a snapshot, in `data`; no event or
// order: its subject is a group, named in data.group_id) with one delivery and one job per
// matching hook, as src/store/publication.repository.ts writes them for the source's changes.

/**
 * The CTEs that publish the notices of `notices` — a CTE of the same statement with the columns
 * organization_id, mode, type, data (jsonb holding at least group_id) — named `notice_publication`
 * and `notice_delivery`. They reach every enabled, live (not deleted) group of the same
 * organization and mode, scoped to the whole organization, with a hook of the notice's type —
 * except the group the notice is about. The statement must also evaluate `queueNoticeJobs` once,
 * or the deliveries would have no jobs.
 */
export function noticeCtes(notices: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`notice_publication as (
      insert into publications (organization_id, type, occurred_at, data, external, mode)
      select n.organization_id, n.type, now(), n.data, false, n.mode from ${notices} n
      returning id, organization_id, type, occurred_at, data, mode
    ), notice_delivery as (
      insert into deliveries (organization_id, publication_id, webhook_group_id, hook_id, type, occurred_at, mode)
      select p.organization_id, p.id, g.id, h.id, p.type, p.occurred_at, g.mode
      from notice_publication p
      join hooks h on h.organization_id = p.organization_id and h.type = p.type
      join webhook_groups g on g.organization_id = h.organization_id and g.id = h.webhook_group_id
      where g.deleted_at is null
        and g.enabled
        and g.mode = p.mode
        and g.event_id is null and g.event_guide_id is null
        -- A group never hears about itself: a failing group would only add to its own failures.
        and g.id <> (p.data->>'group_id')::uuid
      returning id
    )`;
}

/** Queues a deliver job per notice delivery; evaluates to how many (see noticeCtes). */
export function queueNoticeJobs(): RawBuilder<number> {
  return queueDeliverJobs(sql`notice_delivery`, { deliveryId: sql`id`, round: 1, attemptsRecorded: 0 });
}

/**
 * The select that ends a notice statement: queues the jobs (see queueNoticeJobs) and answers how
 * many publications it wrote, for hookgate_publications_total (counted by the caller).
 */
export function noticeOutcome(): RawBuilder<unknown> {
  return sql`select ${queueNoticeJobs()} as queued, (select count(*) from notice_publication)::int as published`;
}

/**
 * The facts about group `g` every notice carries, as the default payload shows them: its id,
 * name and scope (which event or event guide, or the whole organization).
 */
export function groupFacts(alias: string): RawBuilder<unknown> {
  const g = sql.ref(alias);
  return sql`jsonb_build_object(
    'group_id', ${g}.id, 'group_name', ${g}.name,
    'group_scope', case when ${g}.event_id is not null then 'event' when ${g}.event_guide_id is not null then 'event_guide' else 'organization' end,
    'group_event_id', ${g}.event_id, 'group_event_guide_id', ${g}.event_guide_id)`;
}

/**
 * DELIVERY_FAILED for each of `deliveryIds` that ended FAILED, with its last attempt's answer or
 * error. Run in the transaction that recorded them FAILED. Tests and operational deliveries are
 * never announced: an operational delivery that fails would otherwise announce itself to the
 * group that announced the first, and two failing groups would feed each other forever. Answers
 * how many publications it wrote.
 */
export async function publishDeliveriesFailed(trx: Db, deliveryIds: readonly string[]): Promise<number> {
  if (deliveryIds.length === 0) return 0;
  const { rows } = await sql<{ published: number }>`
    with notice as (
      select d.organization_id, d.mode, 'DELIVERY_FAILED' as type,
        ${groupFacts("g")} || jsonb_build_object(
          'failed_delivery_id', d.id, 'failed_delivery_type', lower(d.type),
          'event_id', d.event_id, 'order_id', d.order_id, 'attempts', d.attempt_count,
          'last_response_status', last.response_status, 'last_error', last.error,
          'reason', 'every round of the retry schedule failed (HOOKGATE_RETRY_SCHEDULE)') as data
      from deliveries d
      join webhook_groups g on g.id = d.webhook_group_id
      left join lateral (
        select a.response_status, a.error from delivery_attempts a where a.delivery_id = d.id order by a.number desc limit 1
      ) last on true
      where d.id = any(${[...deliveryIds]}::uuid[])
        and d.status = 'FAILED'
        and not d.is_test
        and d.type not in ('GROUP_DISABLED', 'DELIVERY_FAILED', 'GROUP_RECOVERED')
    ), ${noticeCtes(sql`notice`)}
    ${noticeOutcome()}`.execute(trx);
  return Number(rows[0]?.published ?? 0);
}

/**
 * GROUP_RECOVERED for group `groupId`, which `previous` says was disabled for failing too long
 * and which the caller's transaction has just switched on again. Answers how many publications
 * it wrote (1).
 */
export async function publishGroupRecovered(
  trx: Db,
  groupId: string,
  previous: { disabledAt: Date | null; disabledReason: string | null },
): Promise<number> {
  const { rows } = await sql<{ published: number }>`
    with notice as (
      select g.organization_id, g.mode, 'GROUP_RECOVERED' as type,
        ${groupFacts("g")} || jsonb_build_object(
          'disabled_at', ${isoText(sql`${previous.disabledAt}::timestamptz`)}, 'disabled_reason', ${previous.disabledReason}::text,
          'reason', 'enabled again with setWebhookGroupEnabled') as data
      from webhook_groups g where g.id = ${groupId}::uuid
    ), ${noticeCtes(sql`notice`)}
    ${noticeOutcome()}`.execute(trx);
  return Number(rows[0]?.published ?? 0);
}

/** A timestamp as the default payloads write one (JavaScript's toISOString: UTC, milliseconds, Z). */
export function isoText(timestamp: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`to_char((${timestamp}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
