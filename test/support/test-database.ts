import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { inject } from "vitest";
import { useForTests } from "./use-for-tests.js";
import { createDatabase, type Db } from "../../src/store/database.js";
import { admin, databaseUrl } from "./global-setup.js";

export interface TestDatabase {
  url: string;
  db: Db;
  /** Closes `db` and drops the database, even if a test left connections open. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own, cloned from the template in milliseconds. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject("databaseServerUrl");
  const name = `hookgate_test_${randomBytes(4).toString("hex")}`;
  await cloneTemplate(serverUrl, name, inject("templateDatabase"));
  const url = databaseUrl(serverUrl, name);
  const db = createDatabase(url);
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** A test database for the file's (or describe block's) tests: cloned before them, dropped after them. */
export function useTestDatabase(): TestDatabase {
  return useForTests(createTestDatabase, (database) => database.drop());
}

async function cloneTemplate(serverUrl: string, name: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin(serverUrl, `create database ${name} template ${template}`);
    } catch (error) {
      // 55006 "source database is being accessed by other users": the template refuses
      // connections, so this is only a transient one (e.g. the setup's own pool closing).
      if ((error as { code?: string }).code !== "55006" || attempt === 5) throw error;
      await sleep(200 * attempt);
    }
  }
}
