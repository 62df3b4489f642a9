import { createHash } from "node:crypto";
import { type CompiledQuery, Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./tables.js";

export type Db = Kysely<Database>;

/**
 * One pool per process, shared by the store (kysely) and the queue (graphile-worker), so a
 * process's connections are counted once against the server's max_connections.
 */
export function createPool(connectionString: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // A connection lost while idle or in use (Postgres restart) fails the query using it, if any;
  // it must not crash the process as an unhandled 'error' event.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

const poolOf = new WeakMap<Db, pg.Pool>();

/** Kysely over `pool`; destroying it ends the pool. Numeric stays a string (exact), timestamps are Dates. */
export function databaseOn(pool: pg.Pool): Db {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  poolOf.set(db, pool);
  return db;
}

/**
 * Runs a query as a named prepared statement: PostgreSQL parses and plans it once per connection
 * instead of on every call. For the statements every delivery runs; inside a transaction (no
 * pool of its own) it runs as an ordinary query.
 */
export async function runPrepared<Row>(db: Db, query: CompiledQuery<Row>): Promise<Row[]> {
  const pool = poolOf.get(db);
  if (!pool) return (await db.executeQuery(query)).rows;
  const hash = createHash("sha1").update(query.sql).digest("hex").slice(0, 24);
  try {
    return (await pool.query({ name: `hg_${generation}_${hash}`, text: query.sql, values: [...query.parameters] })).rows;
  } catch (error) {
    // "cached plan must not change result type": a migration changed a table under a prepared
    // `select *`. Statements of the next generation are prepared afresh on every connection.
    if ((error as { code?: string }).code !== "0A000") throw error;
    generation += 1;
    return (await pool.query({ name: `hg_${generation}_${hash}`, text: query.sql, values: [...query.parameters] })).rows;
  }
}

let generation = 0;

export function createDatabase(connectionString: string, options: { max?: number } = {}): Db {
  return databaseOn(createPool(connectionString, options));
}
