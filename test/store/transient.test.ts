import pg from "pg";
import { describe, expect, it } from "vitest";
import { isTransientDatabaseError, retryTransient } from "../../src/store/transient.js";
import { useTestDatabase } from "../support/test-database.js";

const test = useTestDatabase();

describe("transient database errors", () => {
  it("are what node-postgres reports for a connection cut without a PostgreSQL error", () => {
    expect(isTransientDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isTransientDatabaseError(new Error("Connection terminated due to connection timeout"))).toBe(true);
    expect(isTransientDatabaseError(new Error("timeout exceeded when trying to connect"))).toBe(true);
    // kysely rolling back on the broken connection: the error a caller gets in place of the first.
    expect(isTransientDatabaseError(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(isTransientDatabaseError(new Error("relation nope does not exist"))).toBe(false);
    expect(isTransientDatabaseError("Connection terminated unexpectedly")).toBe(false);
  });

  it("are waited out: a statement whose connection the server ended is run again on another", async () => {
    const pool = new pg.Pool({ connectionString: test.url, max: 2 });
    // A connection the server ends also reports it as an 'error' event: expected here.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    try {
      let tries = 0;
      const answer = await retryTransient(async () => {
        tries += 1;
        const client = await pool.connect();
        try {
          if (tries === 1) {
            // The server ends this very connection while it runs a statement.
            const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
            const other = await pool.connect();
            const killing = other.query("select pg_sleep(0.1), pg_terminate_backend($1)", [rows[0]!.pid]).finally(() => other.release());
            // Its failure is kept (not left unhandled while the other query runs) and thrown.
            const running = client.query("select pg_sleep(5)").then(
              () => null,
              (error: unknown) => error,
            );
            await killing;
            const failure = await running;
            if (failure) throw failure;
          }
          return (await client.query<{ one: number }>("select 1 as one")).rows[0]!.one;
        } finally {
          client.release(true);
        }
      }, [10, 10]);
      expect(answer).toBe(1);
      expect(tries).toBe(2);
    } finally {
      await pool.end();
    }
  });
});
