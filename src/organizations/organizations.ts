import { InputError } from "../errors.js";
import { generateApiKey } from "../secrets/api-key-token.js";
import { requiredText } from "../source/source-input.js";
import type { Db } from "../store/database.js";
import { nameGroupsForKeys } from "../store/api-key-groups.js";
import { insertApiKey, lockActiveAdminKeyIds, revokeApiKey } from "../store/api-key.repository.js";
import { isUuid } from "../store/ids.js";
import { countOrganizations, insertOrganization, lockOrganizationCreation } from "../store/organization.repository.js";
import type { ApiKeyMode, ApiKeyRole, ApiKeyRow, OrganizationRow } from "../store/tables.js";
import { checkKeyGroups, keyGroupIdsOf, keyModeOf } from "./key-groups.js";

export interface IssuedApiKey {
  row: ApiKeyRow;
  /** The key itself: shown to the caller once, stored only as a hash. */
  key: string;
}

/** How far a new key reaches: its mode (LIVE when absent) and, when given, the only groups it reaches. */
export interface KeyReachInput {
  mode?: ApiKeyMode | null;
  groupIds?: readonly string[] | null;
}

/**
 * A new key of the organization. Without `groupIds` it reaches every group of its mode's reach;
 * with them, those groups only, checked to be the organization's live groups (and SANDBOX ones
 * for a SANDBOX key) in the transaction that writes the key.
 */
export async function issueApiKey(
  db: Db,
  organizationId: string,
  role: ApiKeyRole,
  reach: KeyReachInput = {},
): Promise<IssuedApiKey> {
  const mode = keyModeOf(reach.mode);
  const groupIds = keyGroupIdsOf(reach.groupIds);
  const insert = (executor: Db, limitedToGroups: boolean) => {
    const { key, hash, prefix } = generateApiKey();
    return insertApiKey(executor, { organizationId, role, mode, limitedToGroups, hash, prefix }).then((row) => ({ row, key }));
  };
  if (groupIds === null) return insert(db, false);
  return db.transaction().execute(async (trx) => {
    await checkKeyGroups(trx, organizationId, groupIds, mode);
    const issued = await insert(trx, true);
    await nameGroupsForKeys(trx, organizationId, [issued.row.id], groupIds);
    return issued;
  });
}

/** A new organization and its first admin key, together or not at all. */
export async function createOrganization(
  db: Db,
  name: string,
): Promise<{ organization: OrganizationRow; apiKey: IssuedApiKey }> {
  const checked = requiredText(name, "name", 200);
  return db.transaction().execute((trx) => insertOrganizationWithKey(trx, checked));
}

/**
 * On an empty database, creates the `Default` organization so a fresh install is usable at
 * once. A lock makes two processes starting together create it only once.
 */
export async function createDefaultOrganizationIfEmpty(
  db: Db,
): Promise<{ organization: OrganizationRow; apiKey: IssuedApiKey } | null> {
  return db.transaction().execute(async (trx) => {
    await lockOrganizationCreation(trx);
    if ((await countOrganizations(trx)) > 0) return null;
    return insertOrganizationWithKey(trx, "Default");
  });
}

async function insertOrganizationWithKey(trx: Db, name: string) {
  const organization = await insertOrganization(trx, name);
  return { organization, apiKey: await issueApiKey(trx, organization.id, "ADMIN") };
}

/**
 * Revokes a key of the organization; false when it has no such active key. The last active
 * LIVE ADMIN key for every group is kept: only such a key manages keys and publishes live, so
 * revoking it would lock the organization out of its own configuration.
 */
export async function revokeOrganizationKey(db: Db, organizationId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return db.transaction().execute(async (trx) => {
    const admins = await lockActiveAdminKeyIds(trx, organizationId);
    if (admins.length === 1 && admins[0] === id) {
      throw new InputError("id", "this is the organization's last active LIVE ADMIN key for every group; create another such key first");
    }
    return revokeApiKey(trx, organizationId, id);
  });
}
