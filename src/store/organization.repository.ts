import { sql } from "kysely";
import type { Db } from "./database.js";
import type { OrganizationRow } from "./tables.js";

export async function insertOrganization(db: Db, name: string): Promise<OrganizationRow> {
  return db.insertInto("organizations").values({ name }).returningAll().executeTakeFirstOrThrow();
}

export async function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function countOrganizations(db: Db): Promise<number> {
  const { count } = await db
    .selectFrom("organizations")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(count);
}

// Any constant works; it only has to be the same in every hookgate process.
const organizationCreationLock = 0x686f6f6b;

/** Serializes "create the Default organization if there is none" across processes starting together. */
export async function lockOrganizationCreation(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(${organizationCreationLock})`.execute(trx);
}
