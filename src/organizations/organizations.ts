import { sql } from "kysely";
import { InputError } from "../errors.js";
import { generateApiKey } from "../secrets/api-key-token.js";
import type { Db } from "../store/database.js";
import { insertApiKey } from "../store/api-key.repository.js";
import { countOrganizations, insertOrganization } from "../store/organization.repository.js";
import type { ApiKeyRole, ApiKeyRow, OrganizationRow } from "../store/tables.js";

export interface IssuedApiKey {
  row: ApiKeyRow;
  /** The key itself: shown to the caller once, stored only as a hash. */
  key: string;
}

export async function issueApiKey(db: Db, organizationId: string, role: ApiKeyRole): Promise<IssuedApiKey> {
  const { key, hash, prefix } = generateApiKey();
  const row = await insertApiKey(db, { organizationId, role, hash, prefix });
  return { row, key };
}

/** A new organization and its first admin key, together or not at all. */
export async function createOrganization(
  db: Db,
  name: string,
): Promise<{ organization: OrganizationRow; apiKey: IssuedApiKey }> {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new InputError("name", "must not be empty");
  if (trimmed.length > 200) throw new InputError("name", "must be at most 200 characters");
  return db.transaction().execute((trx) => insertOrganizationWithKey(trx, trimmed));
}

/**
 * On an empty database, creates the `Default` organization so a fresh install is usable at
 * once. The advisory lock makes two processes starting together create it only once.
 */
export async function createDefaultOrganizationIfEmpty(
  db: Db,
): Promise<{ organization: OrganizationRow; apiKey: IssuedApiKey } | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${defaultOrganizationLock})`.execute(trx);
    if ((await countOrganizations(trx)) > 0) return null;
    return insertOrganizationWithKey(trx, "Default");
  });
}

// Any constant works; it only has to be the same in every hookgate process.
const defaultOrganizationLock = 0x686f6f6b;

async function insertOrganizationWithKey(trx: Db, name: string) {
  const organization = await insertOrganization(trx, name);
  return { organization, apiKey: await issueApiKey(trx, organization.id, "ADMIN") };
}
