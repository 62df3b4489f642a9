import { openDatabase } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { createDatabase, type Db } from "../store/database.js";
import { migrateToLatest } from "../store/migrate.js";

/**
 * For the one-shot commands: opens the database as `start` would (DATABASE_URL, else the
 * embedded PostgreSQL in HOOKGATE_DATA_DIR), brings it to the newest schema, runs `work` and
 * closes everything again. `applied` names the migrations this run applied.
 */
export async function withMigratedDatabase<T>(work: (db: Db, applied: string[]) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const database = await openDatabase(config, logger);
  try {
    const db = createDatabase(database.url, { max: 2 });
    try {
      return await work(db, await migrateToLatest(db, database.url));
    } finally {
      await db.destroy();
    }
  } finally {
    await database.stop();
  }
}
