import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "json" | "pretty";

/**
 * HOOKGATE_LOG_FORMAT when set; otherwise readable lines for a person at a terminal in
 * development, JSON lines (one object a line, for a log pipeline) everywhere else: when stderr is
 * not a terminal (a container, systemd, a file) or under NODE_ENV=production.
 */
export function logFormatFor(chosen: LogFormat | undefined, environment: { stderrIsTty: boolean; nodeEnv: string | undefined }): LogFormat {
  if (chosen) return chosen;
  return environment.stderrIsTty && environment.nodeEnv?.trim() !== "production" ? "pretty" : "json";
}

/**
 * Logs on stderr, so stdout stays for what hookgate tells a person (the first-start banner).
 * `destination` replaces stderr (tests read the lines). The redactions are a second line of
 * defence: no log call hands a secret in on purpose.
 */
export function createLogger(level: string, options: { format?: LogFormat; destination?: DestinationStream } = {}): Logger {
  const format = logFormatFor(options.format, { stderrIsTty: process.stderr.isTTY === true, nodeEnv: process.env.NODE_ENV });
  const settings = {
    level,
    redact: ["*.apiKey", "*.clientSecret", "*.signingSecret", "*.authorization", "*['x-api-key']", "req.headers.authorization"],
  };
  if (format === "pretty") {
    const destination = options.destination ?? 2;
    // Colours for a terminal only: pretty lines forced into a file stay plain text.
    const colorize = options.destination === undefined && process.stderr.isTTY === true;
    return pino(settings, pretty({ destination, colorize, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }));
  }
  return pino(settings, options.destination ?? pino.destination(2));
}
