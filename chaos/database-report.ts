import pg from "pg";

/** What hookgate's own database says at the end: its side of the ledger. */
export interface DatabaseReport {
  readonly deliveriesByStatus: Record<string, number>;
  /** Deliveries in any state but SUCCEEDED (PENDING, RETRYING, FAILED, GONE). */
  readonly notSucceeded: number;
  /** graphile-worker jobs still queued or locked. */
  readonly jobsLeft: number;
}

export async function readDatabaseReport(url: string): Promise<DatabaseReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: number }>("select status, count(*)::int as n from deliveries group by status");
    const deliveriesByStatus = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    const jobs = await client.query<{ n: number }>("select count(*)::int as n from graphile_worker._private_jobs");
    return {
      deliveriesByStatus,
      notSucceeded: rows.filter((row) => row.status !== "SUCCEEDED").reduce((sum, row) => sum + row.n, 0),
      jobsLeft: jobs.rows[0]?.n ?? 0,
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
