import { InputError } from "../errors.js";
import { lockLiveGroups } from "../store/api-key-groups.js";
import type { Db } from "../store/database.js";
import { isUuid, shownId } from "../store/ids.js";
import type { ApiKeyMode } from "../store/tables.js";

const modes: readonly ApiKeyMode[] = ["LIVE", "SANDBOX"];

/** The most groups one key may name: a key for more is an organization's key. */
export const maxKeyGroups = 100;

/** LIVE when absent; null or anything else is refused, naming `mode`. */
export function keyModeOf(mode: unknown): ApiKeyMode {
  if (mode === undefined) return "LIVE";
  const found = modes.find((name) => name === mode);
  if (!found) throw new InputError("mode", "must be LIVE or SANDBOX (leave it out for LIVE)");
  return found;
}

/**
 * `groupIds` as given to createApiKey, checked for shape: at least one, at most `maxKeyGroups`,
 * each an id (a duplicate counts once). Null or absent: the key reaches every group.
 */
export function keyGroupIdsOf(groupIds: readonly string[] | null | undefined): string[] | null {
  if (groupIds === null || groupIds === undefined) return null;
  if (groupIds.length === 0) {
    throw new InputError("groupIds", "must name at least one webhook group (leave groupIds out for a key that reaches every group)");
  }
  if (groupIds.length > maxKeyGroups) throw new InputError("groupIds", `must name at most ${maxKeyGroups} webhook groups`);
  groupIds.forEach((id, index) => {
    if (!isUuid(id)) throw notInOrganization(index, id);
  });
  return [...new Set(groupIds.map((id) => id.toLowerCase()))];
}

/**
 * Every named group must be a live group of the caller's organization (another organization's
 * id is refused exactly like an unknown one), and a SANDBOX key may name SANDBOX groups only. The
 * groups stay locked until the key is written, so none is deleted in between.
 */
export async function checkKeyGroups(trx: Db, organizationId: string, groupIds: readonly string[], mode: ApiKeyMode): Promise<void> {
  const found = new Map((await lockLiveGroups(trx, organizationId, groupIds)).map((group) => [group.id, group.mode]));
  groupIds.forEach((id, index) => {
    const groupMode = found.get(id);
    if (groupMode === undefined) throw notInOrganization(index, id);
    if (mode === "SANDBOX" && groupMode !== "SANDBOX") {
      throw new InputError(`groupIds[${index}]`, `webhook group ${id} is ${groupMode}; a SANDBOX key reaches SANDBOX groups only`);
    }
  });
}

function notInOrganization(index: number, id: string): InputError {
  return new InputError(`groupIds[${index}]`, `no webhook group ${shownId(id)} in your organization`);
}
