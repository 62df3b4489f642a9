import { ForbiddenError } from "../errors.js";
import { scopesOfKeyGroups } from "../store/api-key-groups.js";
import type { Db } from "../store/database.js";
import { everyGroup, type GroupReach } from "../store/group-reach.js";
import type { ApiKeyMode } from "../store/tables.js";

/** Who creates, replaces or deletes a group: the key's mode (a new group's) and the groups it reaches. */
export interface GroupAuthor {
  readonly mode: ApiKeyMode;
  readonly reach: GroupReach;
}

/** A LIVE key for every group (and callers inside hookgate). */
export const organizationAdmin: GroupAuthor = { mode: "LIVE", reach: everyGroup };

/** Where a group delivers: one event, one event guide, or (both null) the whole organization. */
export interface GroupScope {
  event_id: string | null;
  event_guide_id: string | null;
}

/**
 * What a key limited to some groups may create groups for: the scopes its groups cover, read
 * before a replacement takes the old group off the key. Null: the author is not limited.
 */
export async function coveredScopes(trx: Db, author: GroupAuthor): Promise<GroupScope[] | null> {
  return author.reach.limitedKeyId === null ? null : scopesOfKeyGroups(trx, author.reach.limitedKeyId);
}

/**
 * A limited key creates groups only within what its groups already deliver: never one for the
 * whole organization (the rule), and otherwise an event or event guide one of its groups
 * covers — the event itself, its guide, or any event of the organization when it holds an
 * organization-wide group. A scope beyond that would reach data the key's groups do not.
 */
export function checkCoveredScope(
  covered: readonly GroupScope[],
  scope: GroupScope & { guide_of_event: string | null },
): void {
  if (scope.event_id === null && scope.event_guide_id === null) {
    throw new ForbiddenError(
      "input.eventId: this API key is limited to some webhook groups and cannot create a group for the whole organization; give input.eventId or input.eventGuideId",
    );
  }
  const ok = covered.some(
    (held) =>
      (held.event_id === null && held.event_guide_id === null) ||
      (scope.event_id !== null && held.event_id === scope.event_id) ||
      (held.event_guide_id !== null && (held.event_guide_id === scope.event_guide_id || held.event_guide_id === scope.guide_of_event)),
  );
  if (!ok) {
    const field = scope.event_id !== null ? "input.eventId" : "input.eventGuideId";
    throw new ForbiddenError(
      `${field}: this API key is limited to some webhook groups; it creates groups only for the events and event guides those groups cover`,
    );
  }
}
