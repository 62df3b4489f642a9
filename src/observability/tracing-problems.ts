import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import type { Logger } from "pino";

/** How often, at most, one problem (the same text) of the SDK's reaches the log. */
const defaultEveryMs = 60_000;
/** A problem's text is the SDK's (an exception's message, a collector's answer): cut, never a page of it. */
const maxDetail = 300;
/** Problems whose text starts alike are one problem: the same refused export, another port or id. */
const keyLength = 80;

const messages = {
  error: "tracing: OpenTelemetry reported an error; spans may have been lost",
  warn: "tracing: OpenTelemetry reported a warning",
} as const;

export interface TracingProblemsOptions {
  everyMs?: number;
  now?: () => number;
}

/**
 * OpenTelemetry reports what goes wrong in tracing (an export a collector refused or never
 * answered, a wrong endpoint, a setting it cannot use) only to its diagnostics logger, which is
 * silent unless OTEL_LOG_LEVEL is set: spans would be lost without a word. This hands its warnings
 * and errors to hookgate's log instead. Each distinct problem is written at most once a minute,
 * with how many times it came since it was last written (a collector down for an hour fails an
 * export every few seconds), so one problem never hides another. Deliveries never wait for any of
 * it. OpenTelemetry's API leaves the logger to the application and offers no throttle, hence this.
 */
export function logTracingProblems(logger: Logger, { everyMs = defaultEveryMs, now = Date.now }: TracingProblemsOptions = {}): void {
  const seen = new Map<string, { lastAt: number; leftOut: number; level: "warn" | "error"; problem: string }>();
  const report =
    (level: "warn" | "error") =>
    (message: string, ...args: unknown[]): void => {
      const problem = detail(message, args);
      const key = `${level}:${problem.slice(0, keyLength)}`;
      const at = now();
      const last = seen.get(key);
      if (last && at - last.lastAt < everyMs) {
        last.leftOut += 1;
        return;
      }
      logger[level]({ problem, ...(last?.leftOut ? { timesSinceLastLine: last.leftOut } : {}) }, messages[level]);
      seen.set(key, { lastAt: at, leftOut: 0, level, problem });
    };
  const ignore = (): void => {};
  const bridge: DiagLogger = { error: report("error"), warn: report("warn"), info: ignore, debug: ignore, verbose: ignore };
  diag.setLogger(bridge, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  flushOnStop = () => {
    // What came after each problem's last line is not lost at shutdown either.
    for (const { leftOut, level, problem } of seen.values()) {
      if (leftOut > 0) logger[level]({ problem, timesSinceLastLine: leftOut }, messages[level]);
    }
    seen.clear();
  };
}

let flushOnStop = (): void => {};

/** Writes the problems still counted, and stops handing the SDK's problems to the log (tracing shut down). */
export function stopLoggingTracingProblems(): void {
  flushOnStop();
  flushOnStop = () => {};
  diag.disable();
}

/**
 * The SDK passes an exception as its JSON (message, stack, code, a collector's answer as data):
 * what an operator reads is the status and the message, never the stack or the answer's body.
 */
function detail(message: string, args: unknown[]): string {
  const rest = args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === "string" ? arg : "")).filter(Boolean);
  const whole = [fromException(message) ?? message, ...rest].join(" ").replace(/\s+/g, " ").trim();
  return whole.length > maxDetail ? `${whole.slice(0, maxDetail)}…` : whole;
}

/** The readable part of an exception the SDK wrote as JSON; null when the text is a sentence of its own. */
function fromException(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { message, code, name } = parsed as { message?: unknown; code?: unknown; name?: unknown };
  const parts: string[] = [];
  // An OTLP exporter's error carries the collector's HTTP status (a number, written as a string
  // once flattened); Node's, a code such as ECONNREFUSED.
  if (typeof code === "number" || (typeof code === "string" && /^\d{3}$/.test(code))) parts.push(`HTTP ${code}`);
  else if (typeof code === "string" && !(typeof message === "string" && message.includes(code))) parts.push(code);
  if (typeof message === "string" && message.trim()) parts.push(message.trim());
  if (parts.length === 0) parts.push(typeof name === "string" && name ? name : "an error without a message");
  return parts.join(" ");
}
