import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

/**
 * The bench's own view of the database: row-write counters from pg_stat_database, and
 * pg_stat_statements when the server has it loaded. It uses its own connection, which only reads,
 * so it adds nothing to the write counters.
 */
export interface DbStats {
  /** tup_inserted + tup_updated + tup_deleted of the run's database, once every other backend has flushed. */
  rowsWritten(): Promise<number>;
  /** Why pg_stat_statements cannot be used, or null when it can. */
  readonly statementsUnavailable: string | null;
  /** "available, track = top" and the like, when it is available. */
  readonly statementsNote: string;
  /** Resets pg_stat_statements (no-op when unavailable). */
  resetStatements(): Promise<void>;
  /** Calls recorded by pg_stat_statements in this database since the last reset, the bench's own excepted; null when unavailable. */
  statementCalls(): Promise<number | null>;
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

const MARK = "/* hookgate-bench */";

export async function openDbStats(url: string, databaseName: string): Promise<DbStats> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
    (await client.query<R>(`${MARK} ${text}`, values)).rows;

  let unavailable: string | null = null;
  let statementsNote = "";
  try {
    await q("create extension if not exists pg_stat_statements");
    await q("select count(*) from pg_stat_statements");
    const [track] = await q<{ track: string }>("select current_setting('pg_stat_statements.track') as track");
    statementsNote = `available, track = ${track?.track}${track?.track === "all" ? " (statements nested in functions and triggers counted too)" : ""}`;
  } catch (error) {
    const [preload] = await q<{ setting: string }>("select setting from pg_settings where name = 'shared_preload_libraries'").catch(() => []);
    unavailable = `${(error as Error).message} (shared_preload_libraries = "${preload?.setting ?? "?"}")`;
  }

  return {
    async rowsWritten() {
      // Backends flush their statistics when they exit, and otherwise only now and then: wait
      // until this connection is the database's only backend, then read a fresh snapshot.
      for (let tries = 0; tries < 100; tries++) {
        const [row] = await q<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and backend_type = 'client backend'", [databaseName]);
        if ((row?.n ?? 0) <= 1) break;
        await sleep(50);
      }
      await sleep(100);
      await q("select pg_stat_clear_snapshot()");
      const [row] = await q<{ written: string }>(
        "select (tup_inserted + tup_updated + tup_deleted)::text as written from pg_stat_database where datname = $1",
        [databaseName],
      );
      return Number(row?.written ?? 0);
    },
    statementsUnavailable: unavailable,
    statementsNote,
    async resetStatements() {
      if (unavailable === null) await q("select pg_stat_statements_reset()");
    },
    async statementCalls() {
      if (unavailable !== null) return null;
      const [row] = await q<{ calls: string }>(
        `select coalesce(sum(calls), 0)::text as calls from pg_stat_statements s join pg_database d on d.oid = s.dbid
         where d.datname = $1 and s.query not like $2`,
        [databaseName, `${MARK}%`],
      );
      return Number(row?.calls ?? 0);
    },
    query: q,
    close: () => client.end(),
  };
}
