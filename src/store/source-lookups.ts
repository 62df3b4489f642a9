import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";
import type { EventGuideRow, EventRow, OrderRow, OrganizationRow } from "./tables.js";

/** A row named by its organization and its id: lookups never cross from one organization to another. */
export interface OwnedKey {
  readonly organizationId: string;
  readonly id: string;
}

/**
 * Lookups of many rows by (organization, id) in one statement, across organizations: what the
 * origin queries of a batch of deliveries ask for, answered together. Removed rows included
 * (they stay resolvable by id). Keys that are not UUIDs name nothing and are left out by callers.
 */
export async function findEventsByKeys(db: Db, keys: readonly OwnedKey[]): Promise<EventRow[]> {
  return runPrepared(db, sql<EventRow>`select * from events where (organization_id, id) in (${keyPairs(keys)})`.compile(db));
}

export async function findOrdersByKeys(db: Db, keys: readonly OwnedKey[]): Promise<OrderRow[]> {
  return runPrepared(db, sql<OrderRow>`select * from orders where (organization_id, id) in (${keyPairs(keys)})`.compile(db));
}

export async function findEventGuidesByKeys(db: Db, keys: readonly OwnedKey[]): Promise<EventGuideRow[]> {
  return runPrepared(db, sql<EventGuideRow>`select * from event_guides where (organization_id, id) in (${keyPairs(keys)})`.compile(db));
}

/** An organization is visible only to itself: the key's organization and id must be the same. */
export async function findOrganizationsByKeys(db: Db, keys: readonly OwnedKey[]): Promise<OrganizationRow[]> {
  const ids = keys.filter((key) => key.organizationId === key.id).map((key) => key.id);
  return runPrepared(db, sql<OrganizationRow>`select * from organizations where id = any(${ids}::uuid[])`.compile(db));
}

/** Two array parameters, whatever the number of keys: one prepared statement for every batch size. */
function keyPairs(keys: readonly OwnedKey[]) {
  const organizationIds = keys.map((key) => key.organizationId);
  const ids = keys.map((key) => key.id);
  return sql`select * from unnest(${organizationIds}::uuid[], ${ids}::uuid[])`;
}
