import pg from "pg";

/** What hookgate's own database says at the end: its side of the ledger. */
export interface DatabaseReport {
  readonly deliveriesByStatus: Record<string, number>;
  /** Deliveries in any state but SUCCEEDED (PENDING, RETRYING, FAILED, GONE). */
  readonly notSucceeded: number;
  /** graphile-worker jobs that can still run (queued or locked). */
  readonly jobsLeft: number;
  /**
   * Jobs kept but never to run again: retired when a newer job of their delivery replaced them
   * while they ran (src/store/jobs.ts), or out of attempts. Not work left undone.
   */
  readonly jobsSpent: number;
  /** Of those, locked by a worker; a lock older than the stale-worker timeout is held by a worker that stopped working. */
  readonly jobsLocked: number;
  readonly oldestLockSeconds: number | null;
}

export async function readDatabaseReport(url: string): Promise<DatabaseReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: number }>("select status, count(*)::int as n from deliveries group by status");
    const deliveriesByStatus = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    const jobs = await client.query<{ n: number; locked: number; oldest: number | null }>(
      `select count(*)::int as n, count(locked_at)::int as locked,
              extract(epoch from now() - min(locked_at))::float8 as oldest
         from graphile_worker._private_jobs where attempts < max_attempts`,
    );
    const spent = await client.query<{ n: number }>(
      "select count(*)::int as n from graphile_worker._private_jobs where attempts >= max_attempts",
    );
    const [row] = jobs.rows;
    return {
      deliveriesByStatus,
      notSucceeded: rows.filter((status) => status.status !== "SUCCEEDED").reduce((sum, status) => sum + status.n, 0),
      jobsLeft: row?.n ?? 0,
      jobsSpent: spent.rows[0]?.n ?? 0,
      jobsLocked: row?.locked ?? 0,
      oldestLockSeconds: row?.oldest === null || row?.oldest === undefined ? null : Math.round(row.oldest),
    };
  } finally {
    await client.end();
  }
}

/** Deliveries not finished yet (no final state recorded); null while the database cannot be asked. */
export async function unfinishedDeliveries(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from deliveries where finished_at is null");
    return rows[0]?.n ?? 0;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Worker processes whose heartbeat row is there: started and talking to the database. */
export async function workersBeating(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from worker_heartbeats");
    return rows[0]?.n ?? 0;
  } finally {
    await client.end().catch(() => {});
  }
}
