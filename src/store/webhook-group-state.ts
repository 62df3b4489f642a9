import { type RawBuilder, sql } from "kysely";
import type { Db } from "./database.js";
import { everyGroup, type GroupReach, groupWithinReach } from "./group-reach.js";
import { groupFacts, isoText, noticeCtes, noticeOutcome } from "./operational-notices.js";
import type { WebhookGroupRow } from "./tables.js";

// A group's state, the one part of it that changes in place: on or off, its health, and which
// signing secrets are current. What a caller changes touches a live group of the caller's
// organization only; health is the worker's, for the group of a delivery it just recorded.

/**
 * On or off by hand; switching either way starts the failure clock afresh. Disabling a group that
 * is already off changes nothing: a group hookgate disabled for failing keeps its reason and
 * `auto_disabled`, so switching it on later still announces GROUP_RECOVERED. Undefined: no such
 * live group.
 */
export async function setGroupEnabled(
  db: Db,
  organizationId: string,
  id: string,
  enabled: boolean,
  reach: GroupReach = everyGroup,
): Promise<WebhookGroupRow | undefined> {
  // Each right-hand `enabled` is the row's state before this update.
  const ifWasEnabled = <T>(value: RawBuilder<T>, column: "disabled_at" | "disabled_reason" | "auto_disabled" | "failing_since") =>
    sql<T>`case when enabled then ${value} else ${sql.ref(column)} end`;
  return db
    .updateTable("webhook_groups")
    .set(
      enabled
        ? { enabled, disabled_at: null, disabled_reason: null, auto_disabled: false, failing_since: null }
        : {
            enabled,
            disabled_at: ifWasEnabled(sql<Date>`now()`, "disabled_at"),
            disabled_reason: ifWasEnabled(sql<string>`${"disabled with setWebhookGroupEnabled"}::text`, "disabled_reason"),
            auto_disabled: ifWasEnabled(sql<boolean>`false`, "auto_disabled"),
            failing_since: ifWasEnabled(sql<Date | null>`null::timestamptz`, "failing_since"),
          },
    )
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .where(groupWithinReach(reach))
    .returningAll()
    .executeTakeFirst();
}

/**
 * The current secret becomes the previous one until `previousExpiresAt`; an ED25519 group's
 * public key is replaced with the new one. False: no such live group.
 */
export async function rotateGroupSigningSecret(
  db: Db,
  organizationId: string,
  id: string,
  secret: { encrypted: string; publicKey: string | null; previousExpiresAt: Date },
  reach: GroupReach = everyGroup,
): Promise<boolean> {
  const row = await db
    .updateTable("webhook_groups")
    .set({
      previous_signing_secret_encrypted: sql<string>`signing_secret_encrypted`,
      previous_signing_secret_expires_at: secret.previousExpiresAt,
      signing_secret_encrypted: secret.encrypted,
      signing_public_key: secret.publicKey,
    })
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .where(groupWithinReach(reach))
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * What one finished round says about its group's health: a success clears `failing_since`; a
 * failure starts it, and once it is older than `disableAfterMs` (on the database's clock) the
 * group is disabled with `reason` and, in the same statement, GROUP_DISABLED is published to the
 * organization's groups that subscribe to it (src/store/operational-notices.ts). Only a failure
 * can disable: a success after a long outage is the group recovering. Writes only when something
 * changes, so a healthy group's row is no hot spot. Answers how many publications it wrote (1
 * when it disabled the group, else 0).
 */
export async function recordGroupHealth(
  db: Db,
  health: { groupId: string; succeeded: boolean; disableAfterMs: number; reason: string },
): Promise<number> {
  const failedTooLong = sql<boolean>`(not ${health.succeeded}::boolean
    and coalesce(failing_since < now() - ${health.disableAfterMs}::bigint * interval '1 millisecond', false))`;
  const { rows } = await sql<{ published: number }>`
    with before as (
      -- Locked and judged before the update, so the notice below knows this statement disabled it.
      -- NO KEY UPDATE, as the update itself takes: FOR UPDATE would also wait for the KEY SHARE
      -- lock every transaction inserting a delivery or lane of this group holds until it commits.
      select id, failing_since, enabled and ${failedTooLong} as disabling
      from webhook_groups where id = ${health.groupId}::uuid for no key update
    ), changed as (
      update webhook_groups g
      set failing_since = case when ${health.succeeded}::boolean then null else coalesce(g.failing_since, now()) end,
          enabled = g.enabled and not b.disabling,
          auto_disabled = g.auto_disabled or b.disabling,
          disabled_at = case when b.disabling then now() else g.disabled_at end,
          disabled_reason = case when b.disabling then ${health.reason}::text else g.disabled_reason end
      from before b
      where g.id = b.id
        and case when ${health.succeeded}::boolean then b.failing_since is not null
                 else b.failing_since is null or b.disabling end
      returning g.*, b.disabling
    ), notice as (
      select c.organization_id, c.mode, 'GROUP_DISABLED' as type,
        ${groupFacts("c")} || jsonb_build_object('failing_since', ${isoText(sql`c.failing_since`)},
          'disabled_at', ${isoText(sql`c.disabled_at`)}, 'reason', c.disabled_reason) as data
      from changed c where c.disabling
    ), ${noticeCtes(sql`notice`)}
    ${noticeOutcome()}`.execute(db);
  return Number(rows[0]?.published ?? 0);
}

/**
 * A group's state as it stands, locked until the caller's transaction ends: read before switching
 * it on, to know whether that is a recovery to announce. Undefined: no such live group.
 */
export async function lockGroupState(
  trx: Db,
  organizationId: string,
  id: string,
): Promise<Pick<WebhookGroupRow, "enabled" | "auto_disabled" | "disabled_at" | "disabled_reason"> | undefined> {
  return trx
    .selectFrom("webhook_groups")
    .select(["enabled", "auto_disabled", "disabled_at", "disabled_reason"])
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
}
