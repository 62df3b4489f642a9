import { Logger } from "graphile-worker";
import type { Logger as PinoLogger } from "pino";

/** graphile-worker's log lines routed to pino (warnings and errors keep their level). */
export function workerLogger(logger: PinoLogger): Logger {
  return new Logger(() => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    logger[method]({ worker: meta }, message);
  });
}
