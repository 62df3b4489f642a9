/**
 * Errors worth trying again: the server is busy (too many connections), restarting, the
 * connection dropped, or the transaction lost a deadlock or serialization race (nothing it wrote
 * was kept). Anything else (a constraint, a bug) fails at once.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // node-postgres reports a connection cut without a PostgreSQL error (a server killed, a
  // failover, a network cut) by message only.
  if (typeof code !== "string") return error instanceof Error && connectionLost.test(error.message);
  return (
    code === "53300" || // too_many_connections
    code === "57P01" || // admin_shutdown
    code === "57P03" || // cannot_connect_now (starting up)
    code === "40P01" || // deadlock_detected
    code === "40001" || // serialization_failure
    code.startsWith("08") || // connection_exception
    code === "ECONNREFUSED" ||
    code === "ECONNRESET"
  );
}

// The last: a transaction's ROLLBACK on a connection that broke under it, which hides the first error.
const connectionLost = /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error/;

/**
 * Runs `operation`, retrying transient database errors with growing pauses (about 6 s in all).
 * For writes that must land once the outside world has been told — a delivery already POSTed
 * whose attempt is being recorded — rather than letting the job fail and send again.
 */
export async function retryTransient<T>(operation: () => Promise<T>, pausesMs: readonly number[] = [100, 400, 1500, 4000]): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await operation();
    } catch (error) {
      const pause = pausesMs[retry];
      if (pause === undefined || !isTransientDatabaseError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * Runs a start-up step, waiting while the database is unreachable or starting (a process started
 * beside its database, or during a restart or failover) for up to `waitMs`; other errors, and one
 * that outlasts the wait, fail the start as before.
 */
export async function waitForDatabase<T>(
  step: () => Promise<T>,
  options: { waitMs: number; onWait?: (error: unknown) => void },
): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  for (let pause = 250; ; pause = Math.min(pause * 2, 2_000)) {
    try {
      return await step();
    } catch (error) {
      if (!isTransientDatabaseError(error) || Date.now() + pause > deadline) throw error;
      options.onWait?.(error);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
