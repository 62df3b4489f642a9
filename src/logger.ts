import pino, { type Logger } from "pino";

/** JSON logs on stderr, so stdout stays for what hookgate tells a person (the first-start banner). */
export function createLogger(level: string): Logger {
  return pino({ level, redact: ["*.apiKey", "*.clientSecret", "*.signingSecret", "req.headers.authorization"] }, pino.destination(2));
}
