import { setTimeout as pause } from "node:timers/promises";

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the failure message ("delivery 42 finished"). */
  what?: string;
}

/**
 * Reads until `done` accepts what `read` answered, and answers that; fails after `timeoutMs` with
 * the last value seen. The one way a test waits for something to happen: it polls the condition
 * itself, so it waits no longer than it has to and never guesses a duration.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 50, what = "the expected state" }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
    await pause(intervalMs);
  }
}
