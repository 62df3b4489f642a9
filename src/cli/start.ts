import { type RunningHookgate, startHookgate } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { startTracing } from "../observability/tracing.js";
import { parseCommandArgs, type Outcome } from "./command.js";
import { stopOnSignals } from "./stop-on-signals.js";

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
  const signals = stopOnSignals(logger, {
    embeddedDatabase: !config.databaseUrl,
    afterStop: async () => {
      await tracing?.shutdown();
    },
  });
  let hookgate: RunningHookgate;
  try {
    hookgate = await startHookgate(config, { logger, roles });
  } catch (error) {
    await tracing?.shutdown();
    // Asked to stop while starting, and the start ended for it (initdb stopped by the same Ctrl-C).
    if (signals.stoppedWhileStarting()) {
      logger.info({ reason: (error as Error).message }, "stopped while starting");
      return 0;
    }
    throw error;
  }
  signals.started(hookgate);
  return "running";
}
