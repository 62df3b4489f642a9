import { type RawBuilder, sql } from "kysely";

/**
 * Which of its organization's webhook groups a caller reaches (sees and acts on), beyond the
 * organization every statement already filters on. Applied inside the statement that looks a
 * group or delivery up, so a group out of reach costs the same one statement and gets the same
 * answer as an id that does not exist.
 */
export interface GroupReach {
  /** A SANDBOX key reaches SANDBOX groups only: nothing it does touches what live partners get. */
  readonly sandboxOnly: boolean;
  /** A key limited to some groups reaches the groups it names in api_key_groups only; null: every group. */
  readonly limitedKeyId: string | null;
}

/** An organization-wide caller (a LIVE key for all groups), and the worker. */
export const everyGroup: GroupReach = { sandboxOnly: false, limitedKeyId: null };

/**
 * True for a row whose group is within `reach`. `columns` must be qualified with their table
 * (`deliveries.webhook_group_id`): the subquery has a `webhook_group_id` of its own.
 */
export function withinReach(reach: GroupReach, columns: { groupId: string; mode: string }): RawBuilder<boolean> {
  const mode = reach.sandboxOnly ? sql`${sql.ref(columns.mode)} = 'SANDBOX'` : sql`true`;
  const named =
    reach.limitedKeyId === null
      ? sql`true`
      : sql`exists (select 1 from api_key_groups k
                    where k.api_key_id = ${reach.limitedKeyId}::uuid and k.webhook_group_id = ${sql.ref(columns.groupId)})`;
  return sql<boolean>`(${mode} and ${named})`;
}

/** A `webhook_groups` row (not aliased) within reach. */
export function groupWithinReach(reach: GroupReach): RawBuilder<boolean> {
  return withinReach(reach, { groupId: "webhook_groups.id", mode: "webhook_groups.mode" });
}
