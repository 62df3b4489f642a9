import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/store/migrate.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

// migrateToLatest holds an advisory lock on a connection of its own while it migrates, so two
// processes starting together never migrate at once.

const migrationLockId = "7461620934186542301";

describe("the migration lock", () => {
  const test = useTestDatabase();

  it("waits while another session holds it, saying so, then migrates", async () => {
    const holder = new pg.Client({ connectionString: test.url });
    await holder.connect();
    try {
      await holder.query("select pg_advisory_lock($1)", [migrationLockId]);
      const waits: number[] = [];
      const migrating = migrateToLatest(test.db, test.url, { onWaitForLock: (waitedMs) => waits.push(waitedMs) });
      let done = false;
      void migrating.finally(() => (done = true));
      // The note comes every 15 s of waiting, counted from when the lock was first asked for.
      await eventually(() => waits.length, (count) => count >= 1, { timeoutMs: 30_000, what: "the note that it waits for the lock" });
      expect(done).toBe(false);
      expect(waits[0]).toBeGreaterThanOrEqual(15_000);
      await holder.query("select pg_advisory_unlock($1)", [migrationLockId]);
      expect(await migrating).toEqual([]);
    } finally {
      await holder.end();
    }
  }, 40_000);

  it("fails cleanly, without ending the process, when the lock's session is ended under it", async () => {
    const admin = new pg.Client({ connectionString: test.url });
    await admin.connect();
    try {
      // Ends the lock's session as soon as it takes the lock: a failover or an idle timeout would.
      const killer = (async () => {
        for (let tries = 0; tries < 200; tries++) {
          const { rowCount } = await admin.query(
            // Only in this test's database: other files' sessions hold advisory locks of their own.
            `select pg_terminate_backend(pid) from pg_locks
             where locktype = 'advisory' and granted and pid <> pg_backend_pid()
               and database = (select oid from pg_database where datname = current_database())`,
          );
          if (rowCount) return true;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return false;
      })();
      // With nothing pending, the only step is the check that the lock is still held.
      const outcome = await migrateToLatest(test.db, test.url).then(
        () => "migrated",
        (error: Error) => error.message,
      );
      expect(await killer).toBe(true);
      // Whether the session ended before or after the last check, the process is still here.
      expect(["migrated", expect.stringContaining("the migration lock was lost")]).toContainEqual(outcome);
    } finally {
      await admin.end();
    }
  }, 30_000);
});
