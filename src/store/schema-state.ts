import { sql } from "kysely";
import { migrations } from "../../migrations/index.js";
import type { Db } from "./database.js";

/**
 * The migrations this code knows (migrations/index.ts) that the database has not applied; empty
 * when its schema is current. One statement, which also proves the database answers. Migrations
 * applied that this code does not know (a newer release migrated first) are no reason to refuse
 * work: hookgate's migrations add, so the previous release keeps running beside them.
 */
export async function missingMigrations(db: Db): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration`
    .execute(db)
    .then(
      (result) => result.rows,
      (error: unknown) => {
        // 42P01, undefined_table: a database never migrated.
        if ((error as { code?: unknown }).code === "42P01") return [];
        throw error;
      },
    );
  const applied = new Set(rows.map((row) => row.name));
  return Object.keys(migrations).filter((name) => !applied.has(name));
}
