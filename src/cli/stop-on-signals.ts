import { constants } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { RunningHookgate } from "../app.js";

type Stoppable = Pick<RunningHookgate, "stop" | "stopNow">;

/**
 * How `start`, `serve` and `worker` answer SIGINT, SIGTERM and SIGHUP, from before hookgate has
 * started: Node's own answer to a Ctrl-C pressed while the embedded PostgreSQL starts would end
 * hookgate at once and leave that PostgreSQL (in a session of its own) running. A signal while
 * starting stops hookgate as soon as it has started; a start the signal cut short (the terminal's
 * Ctrl-C also reaches initdb, in hookgate's process group) ends quietly (`stoppedWhileStarting`).
 * With `DATABASE_URL`, nothing of hookgate's runs beside it, and a start may wait a minute for the
 * database or longer for another process's migration: a signal then ends it at once, as Node would.
 *
 * Stop once: a second signal (systemd signals the whole group; npm hands a terminal's Ctrl-C on to
 * the script it runs, hookgate, which had it already) must not cut short the deliveries being
 * finished. Only a Ctrl-C pressed again, a moment later, stops at once (exit status 130).
 * A closed terminal (SIGHUP) stops too: without a handler Node would end at once, leaving the
 * embedded PostgreSQL running and the worker's jobs locked until another took them over.
 * `afterStop` runs once hookgate has stopped (the spans of the last deliveries are exported).
 */
export function stopOnSignals(
  logger: Logger,
  options: { embeddedDatabase: boolean; afterStop: () => Promise<void> },
): { started(hookgate: Stoppable): void; stoppedWhileStarting(): boolean } {
  let hookgate: Stoppable | null = null;
  let stoppingSince: number | null = null;
  let stoppingNow = false;

  const stopGracefully = (running: Stoppable) => {
    const stopped = running.stop().finally(() => options.afterStop().catch(() => {}));
    // Once stopping at once, that path decides the exit: this one, failing under it, must not.
    stopped.then(
      () => stoppingNow || process.exit(0),
      () => stoppingNow || process.exit(1),
    );
  };
  const stopNow = () => {
    if (stoppingNow) return;
    stoppingNow = true;
    if (!hookgate) {
      // An embedded PostgreSQL already running is asked to shut down as the process exits.
      logger.warn("stopping at once, before hookgate had started");
      process.exit(130);
    }
    logger.warn("stopping at once: the deliveries in hand are abandoned and will be sent again, by another worker or at the next start");
    // Bounded: a database that does not answer must not keep a process its operator wants gone.
    const timedOut = sleep(stopNowBoundMs).then(() =>
      logger.warn(`stopping at once took over ${stopNowBoundMs} ms; exiting (an embedded PostgreSQL is asked to shut down as the process ends)`),
    );
    void Promise.race([hookgate.stopNow(), timedOut])
      .catch((error: unknown) => logger.warn({ err: error }, "stopping at once did not finish cleanly"))
      .finally(() => process.exit(130));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== null) {
      if (signal === "SIGINT" && Date.now() - stoppingSince >= secondCtrlCAfterMs) stopNow();
      return;
    }
    stoppingSince = Date.now();
    const hint = signal === "SIGINT" ? " (Ctrl-C again to stop at once)" : "";
    if (!hookgate) {
      if (!options.embeddedDatabase) {
        logger.info("stopping: hookgate had not started yet");
        process.exit(128 + constants.signals[signal]);
      }
      logger.info(`stopping: hookgate is still starting, and stops as soon as it has${hint}`);
      return;
    }
    logger.info(`stopping: finishing the deliveries in hand${hint}`);
    stopGracefully(hookgate);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);

  return {
    started(running) {
      hookgate = running;
      if (stoppingSince !== null && !stoppingNow) {
        logger.info("stopping: finishing the deliveries in hand");
        stopGracefully(running);
      }
    },
    stoppedWhileStarting: () => stoppingSince !== null && hookgate === null,
  };
}

/** One Ctrl-C reaches hookgate twice within milliseconds (from the terminal and from npm); a second press comes later. */
const secondCtrlCAfterMs = 1_000;
/** How long stopping at once may take: marking the worker's jobs for release and shutting down the embedded PostgreSQL. */
const stopNowBoundMs = 5_000;
