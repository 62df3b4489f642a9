import { startHookgate } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { startTracing } from "../observability/tracing.js";
import { parseCommandArgs, type Outcome } from "./command.js";

/** `start` (API and worker), `serve` (API) or `worker`: runs until SIGINT, SIGTERM or SIGHUP. */
export async function start(command: "start" | "serve" | "worker", args: string[]): Promise<Outcome> {
  parseCommandArgs(command, args, {});
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const roles = { api: command !== "worker", worker: command !== "serve" };
  // Before anything that makes spans; process-wide, so here rather than in startHookgate.
  const tracing = await startTracing(config.tracing, { logger });
  if (config.tracing) {
    // The origin only: an endpoint's path or user info is nobody's business in a log.
    logger.info(
      { collector: new URL(config.tracing.endpoint).origin, protocol: config.tracing.protocol, service: config.tracing.serviceName },
      "tracing: exporting spans over OTLP",
    );
  }
  const hookgate = await startHookgate(config, { logger, roles }).catch(async (error: unknown) => {
    await tracing?.shutdown();
    throw error;
  });
  // Stop once: a second signal (systemd signals the whole group; npm hands a terminal's Ctrl-C on
  // to the script it runs, hookgate, which had it already) must not cut short the deliveries being finished.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping: finishing the deliveries in hand");
    // The spans of the last deliveries are exported before the process ends.
    const stopped = hookgate.stop().finally(() => tracing?.shutdown().catch(() => {}));
    stopped.then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // A closed terminal: without a handler Node would end at once, leaving the embedded PostgreSQL
  // (in a session of its own) running and the worker's jobs locked until another took them over.
  process.on("SIGHUP", stop);
  return "running";
}
