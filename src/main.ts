import { openDatabase, startHookgate } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { createDatabase } from "./store/database.js";
import { migrateToLatest } from "./store/migrate.js";

const usage = `usage: hookgate <command>

commands:
  start     run the API (GraphQL at /graphql) and a delivery worker in one process;
            embedded PostgreSQL when DATABASE_URL is unset
  serve     run the API only
  worker    run a delivery worker only (any number may share one PostgreSQL)
  migrate   apply database migrations and exit`;

async function main(command: string | undefined): Promise<void> {
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(usage);
    return;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (command) {
    case "start":
    case "serve":
    case "worker": {
      const roles = { api: command !== "worker", worker: command !== "serve" };
      const hookgate = await startHookgate(config, { logger, roles });
      // Stop once: a second signal (systemd signals the whole group; tsx forwards too) must not
      // cut short the deliveries being finished.
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        logger.info("stopping: finishing the deliveries in hand");
        hookgate.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      return;
    }
    case "migrate": {
      const database = await openDatabase(config, logger);
      const db = createDatabase(database.url);
      try {
        const applied = await migrateToLatest(db, database.url);
        console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
      } finally {
        await db.destroy();
        await database.stop();
      }
      return;
    }
    default:
      console.error(command ? `unknown command "${command}"\n\n${usage}` : usage);
      process.exit(2);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
