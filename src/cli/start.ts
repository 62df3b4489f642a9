import { startHookgate } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { parseCommandArgs, type Outcome } from "./command.js";

/** `start` (API and worker), `serve` (API) or `worker`: runs until SIGINT, SIGTERM or SIGHUP. */
export async function start(command: "start" | "serve" | "worker", args: string[]): Promise<Outcome> {
  parseCommandArgs(command, args, {});
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const roles = { api: command !== "worker", worker: command !== "serve" };
  const hookgate = await startHookgate(config, { logger, roles });
  // Stop once: a second signal (systemd signals the whole group; tsx forwards too) must not
  // cut short the deliveries being finished.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping: finishing the deliveries in hand");
    hookgate.stop().then(
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
