import { Kysely, PostgresDialect } from "kysely";
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

/** Kysely over `pool`; destroying it ends the pool. Numeric stays a string (exact), timestamps are Dates. */
export function databaseOn(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export function createDatabase(connectionString: string, options: { max?: number } = {}): Db {
  return databaseOn(createPool(connectionString, options));
}
