import { Logger, runMigrations } from "graphile-worker";
import { Migrator } from "kysely";
import { migrations } from "../../migrations/index.js";
import type { Db } from "./database.js";

/**
 * Brings the database to the newest schema: graphile-worker's own (the delivery queue) and then
 * hookgate's. Returns the names of hookgate migrations applied; throws naming the failing one.
 */
export async function migrateToLatest(db: Db, connectionString: string): Promise<string[]> {
  await runMigrations({ connectionString, logger: silentQueueLogger });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === "Error");
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${cause}`, { cause: error });
  }
  return results.filter((result) => result.status === "Success").map((result) => result.migrationName);
}

/** graphile-worker's logger, silenced: its migrations say nothing; hookgate reports what it applied. */
export const silentQueueLogger = new Logger(() => () => {});
