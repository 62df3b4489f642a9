import { setTimeout as sleep } from "node:timers/promises";
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
  // to the script it runs, hookgate, which had it already) must not cut short the deliveries being
  // finished. Only a Ctrl-C pressed again, a moment later, stops at once.
  let stoppingSince: number | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== null) {
      if (signal === "SIGINT" && Date.now() - stoppingSince >= secondCtrlCAfterMs) stopNow();
      return;
    }
    stoppingSince = Date.now();
    logger.info(signal === "SIGINT" ? "stopping: finishing the deliveries in hand (Ctrl-C again to stop at once)" : "stopping: finishing the deliveries in hand");
    // The spans of the last deliveries are exported before the process ends.
    const stopped = hookgate.stop().finally(() => tracing?.shutdown().catch(() => {}));
    // Once stopping at once, that path decides the exit: this one, failing under it, must not.
    stopped.then(
      () => stoppingNow || process.exit(0),
      () => stoppingNow || process.exit(1),
    );
  };
  let stoppingNow = false;
  const stopNow = () => {
    if (stoppingNow) return;
    stoppingNow = true;
    logger.warn("stopping at once: the deliveries in hand are abandoned and will be sent again, by another worker or at the next start");
    // Bounded: a database that does not answer must not keep a process its operator wants gone.
    const timedOut = sleep(stopNowBoundMs).then(() =>
      logger.warn(`stopping at once took over ${stopNowBoundMs} ms; exiting (an embedded PostgreSQL is asked to shut down as the process ends)`),
    );
    void Promise.race([hookgate.stopNow(), timedOut])
      .catch((error: unknown) => logger.warn({ err: error }, "stopping at once did not finish cleanly"))
      .finally(() => process.exit(130));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // A closed terminal: without a handler Node would end at once, leaving the embedded PostgreSQL
  // (in a session of its own) running and the worker's jobs locked until another took them over.
  process.on("SIGHUP", stop);
  return "running";
}

/** One Ctrl-C reaches hookgate twice within milliseconds (from the terminal and from npm); a second press comes later. */
const secondCtrlCAfterMs = 1_000;
/** How long stopping at once may take: marking the worker's jobs for release and shutting down the embedded PostgreSQL. */
const stopNowBoundMs = 5_000;
