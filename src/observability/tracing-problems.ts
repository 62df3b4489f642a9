import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import type { Logger } from "pino";

/** How often, at most, a problem of the SDK's reaches the log. */
const defaultEveryMs = 60_000;
/** A problem's text is the SDK's (an exception as JSON, a collector's answer): cut, never a page of it. */
const maxDetail = 300;

/**
 * OpenTelemetry reports what goes wrong in tracing (an export a collector refused or never
 * answered, a wrong endpoint, a rejected API key) only to its diagnostics logger, which is silent
 * unless OTEL_LOG_LEVEL is set: spans would be lost without a word. This hands its warnings and
 * errors to hookgate's log instead, at most one line a minute, each saying how many were left out
 * since the last (a collector down for an hour fails an export every few seconds). Deliveries
 * never wait for any of it. OpenTelemetry's API leaves the logger to the application and offers
 * no throttle, hence these few lines.
 */
export function logTracingProblems(logger: Logger, { everyMs = defaultEveryMs, now = Date.now } = {}): void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let leftOut = 0;
  const report =
    (level: "warn" | "error") =>
    (message: string, ...args: unknown[]): void => {
      const at = now();
      if (at - lastAt < everyMs) {
        leftOut += 1;
        return;
      }
      lastAt = at;
      const fields = { problem: detail(message, args), ...(leftOut > 0 ? { problemsLeftOut: leftOut } : {}) };
      leftOut = 0;
      logger[level](fields, "tracing: OpenTelemetry reported a problem; spans may have been lost");
    };
  const ignore = (): void => {};
  const bridge: DiagLogger = { error: report("error"), warn: report("warn"), info: ignore, debug: ignore, verbose: ignore };
  diag.setLogger(bridge, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

/** Stops handing the SDK's problems to the log (tracing shut down). */
export function stopLoggingTracingProblems(): void {
  diag.disable();
}

/** The SDK passes an exception as its JSON (message, stack, code): the message is what an operator reads. */
function detail(message: string, args: unknown[]): string {
  let text = message;
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { message?: unknown }).message === "string") {
      text = (parsed as { message: string }).message;
    }
  } catch {
    // Not JSON: a sentence of the SDK's own.
  }
  const rest = args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === "string" ? arg : "")).filter(Boolean);
  const whole = [text, ...rest].join(" ").replace(/\s+/g, " ").trim();
  return whole.length > maxDetail ? `${whole.slice(0, maxDetail)}…` : whole;
}
