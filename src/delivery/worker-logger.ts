import { Logger } from "graphile-worker";
import type { Logger as PinoLogger } from "pino";

/**
 * graphile-worker's log lines routed to pino (warnings and errors keep their level), except its
 * warning that the pool is smaller than the concurrency: hookgate sizes it so on purpose (a
 * delivery holds a connection only while it reads or records, not while the partner answers;
 * see poolSizeFor), and a warning at every start would teach operators to ignore warnings.
 */
export function workerLogger(logger: PinoLogger): Logger {
  return new Logger(() => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" && !poolSizedOnPurpose(message) ? "warn" : "debug";
    logger[method]({ worker: meta }, message);
  });
}

function poolSizedOnPurpose(message: string): boolean {
  return /maxPoolSize \(\d+\) smaller than concurrency/.test(message);
}
