import { setTimeout as sleep } from "node:timers/promises";
import { Logger, runMigrations } from "graphile-worker";
import { type Migration, Migrator } from "kysely";
import pg from "pg";
import { migrations } from "../../migrations/index.js";
import type { Db } from "./database.js";

/**
 * Brings the database to the newest schema: graphile-worker's own (the delivery queue) and then
 * hookgate's. Returns the names of hookgate migrations applied; throws naming the failing one.
 *
 * Migrations run together in one transaction, except one that says `transactional = false`: it
 * runs alone, outside a transaction, because it builds an index on a big table with CREATE INDEX
 * CONCURRENTLY (which a transaction refuses), so deliveries keep being written while it builds.
 * Kysely's own lock covers one call of its migrator; running in steps needs one lock around them
 * all, or a process that started with an older list could migrate another one's work back down.
 */
export async function migrateToLatest(
  db: Db,
  connectionString: string,
  options: { onWaitForLock?: (waitedMs: number) => void } = {},
): Promise<string[]> {
  await runMigrations({ connectionString, logger: silentQueueLogger });
  return withMigrationLock(connectionString, options.onWaitForLock, async (assertHeld) => {
    const applied: string[] = [];
    const provider = { getMigrations: async () => migrations };
    const executed = new Set((await new Migrator({ db, provider, allowUnorderedMigrations }).getMigrations()).filter((m) => m.executedAt).map((m) => m.name));
    for (const step of steps(Object.keys(migrations).sort().filter((name) => !executed.has(name)))) {
      assertHeld();
      const migrator = new Migrator({ db, provider, allowUnorderedMigrations, disableTransactions: !step.transactional });
      const { error, results = [] } = await migrator.migrateTo(step.target);
      applied.push(...results.filter((result) => result.status === "Success").map((result) => result.migrationName));
      if (error) {
        const failed = results.find((result) => result.status === "Error");
        const cause = error instanceof Error ? error.message : String(error);
        throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${cause}`, { cause: error });
      }
    }
    return applied;
  });
}

/**
 * A database may have applied a migration before an older one existed (0014 reached main before
 * 0013 did): kysely would refuse it for ever. hookgate's migrations only add, and `steps` finds the
 * pending ones by name, so each missing one is applied, in name order, whatever came before it.
 */
const allowUnorderedMigrations = true;

/** The pending migrations in runs: each run of transactional ones together, each other one alone. */
function steps(pending: string[]): Array<{ target: string; transactional: boolean }> {
  const runs: Array<{ target: string; transactional: boolean }> = [];
  for (const name of pending) {
    const transactional = (migrations[name] as Migration & { transactional?: boolean }).transactional !== false;
    const last = runs.at(-1);
    if (last && last.transactional && transactional) last.target = name;
    else runs.push({ target: name, transactional });
  }
  return runs;
}

/**
 * A session lock of its own connection (the pool may have just one, which the migrator needs).
 * Tried, not waited for: a statement waiting on the lock is a transaction, and CREATE INDEX
 * CONCURRENTLY in the process holding it waits for every transaction older than the build to end
 * — each would wait for the other for ever, and PostgreSQL could not tell (one link of the circle
 * is the other process's own code).
 */
async function withMigrationLock<T>(
  connectionString: string,
  onWait: ((waitedMs: number) => void) | undefined,
  work: (assertHeld: () => void) => Promise<T>,
): Promise<T> {
  // Idle for the whole migration, so kept alive; should its session end all the same (a
  // failover, an idle timeout, pg_terminate_backend), the lock is gone with it: the error is kept
  // rather than left unhandled (which would end the process), and no further step runs without it.
  const client = new pg.Client({ connectionString, keepAlive: true });
  let lost: Error | undefined;
  client.on("error", (error) => (lost ??= error));
  await client.connect();
  try {
    const started = Date.now();
    let saidAt = started;
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1) as locked", [migrationLockId]);
      if (rows[0]?.locked) break;
      // Another process is migrating (an index build on a big table can take minutes): say so now
      // and then, rather than seem hung.
      if (onWait && Date.now() - saidAt >= lockWaitReportMs) {
        saidAt = Date.now();
        onWait(saidAt - started);
      }
      await sleep(lockRetryMs);
    }
    return await work(() => {
      if (lost) throw new Error(`the migration lock was lost (its connection ended: ${lost.message}); start again to finish migrating`, { cause: lost });
    });
  } finally {
    // Ending the session releases the lock, whatever happened.
    await client.end().catch(() => {});
  }
}

const lockWaitReportMs = 15_000;
const lockRetryMs = 100;

/** Arbitrary, and not kysely's (3853314791062309107) nor graphile-worker's. */
const migrationLockId = "7461620934186542301";

/** graphile-worker's logger, silenced: its migrations say nothing; hookgate reports what it applied. */
export const silentQueueLogger = new Logger(() => () => {});
