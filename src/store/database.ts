import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./tables.js";

export type Db = Kysely<Database>;

// Postgres `numeric` stays a string (exact); timestamps become Date (pg's default).
export function createDatabase(connectionString: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on("error", () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
