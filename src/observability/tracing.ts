import { context, propagation, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Logger } from "pino";
import type { OtlpProtocol, TracingConfig } from "../config.js";
import { logTracingProblems, stopLoggingTracingProblems } from "./tracing-problems.js";

/**
 * Whether this process makes spans. Read by every span helper (spans.ts) before anything else:
 * with tracing off, a request or a delivery pays one boolean test, not the API's no-op machinery.
 */
let on = false;

export function tracingOn(): boolean {
  return on;
}

export interface RunningTracing {
  /** Exports the spans still buffered, then turns tracing off in this process. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /**
   * Where the SDK's own problems go (a failed export): hookgate's log, unless OTEL_LOG_LEVEL asks
   * for the SDK's console logger instead (tracing-problems.ts).
   */
  readonly logger?: Logger;
  /**
   * The seam for tests: spans go to `exporter` (an InMemorySpanExporter) as each one ends, through
   * the same SDK setup as production, with no network.
   */
  readonly exporter?: SpanExporter;
}

/**
 * Starts OpenTelemetry's Node SDK when the configuration has a collector (or a test gives an
 * exporter); otherwise starts nothing and answers null. Once per process: the SDK registers the
 * API's global tracer provider, context manager (AsyncLocalStorage) and propagator.
 *
 * Traces only: the SDK would otherwise also push metrics and logs over OTLP by default (hookgate's
 * metrics are Prometheus', its logs pino's). No automatic instrumentation either: the spans are
 * hookgate's own (docs/tracing.md), so no module is patched and nothing else leaks in. The SDK is
 * loaded only here, so a process without tracing never loads it.
 */
export async function startTracing(config: TracingConfig | null, options: TracingOptions = {}): Promise<RunningTracing | null> {
  if (!config && !options.exporter) return null;
  if (on) throw new Error("tracing is already started in this process");
  const [{ NodeSDK }, { defaultResource, resourceFromAttributes }, { SimpleSpanProcessor }, { ATTR_SERVICE_NAME }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/semantic-conventions"),
  ]);
  // First, so that what the SDK says while it is set up (a gRPC endpoint with a path, a sampler it
  // does not know) is in the log too.
  const problemsLogged = options.logger !== undefined && !config?.sdkLogsToConsole;
  if (problemsLogged) logTracingProblems(options.logger!);
  const spanProcessors = options.exporter
    ? { spanProcessors: [new SimpleSpanProcessor(options.exporter)] }
    : { traceExporter: await otlpExporter(config!.protocol) };
  const serviceName = config?.serviceName ?? defaultServiceName;
  const sdk = new NodeSDK({
    // The base resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, detected at start, win.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    // The OTLP exporter reads its endpoint, headers and timeout from OTEL_EXPORTER_OTLP_*;
    // batched (OTEL_BSP_*), so a span costs no request of its own.
    ...spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  on = true;
  let stopped: Promise<void> | null = null;
  return {
    shutdown: () =>
      (stopped ??= (async () => {
        on = false;
        try {
          await sdk.shutdown();
        } finally {
          // Unregistered, so the API is a no-op again (and a test may start tracing anew).
          trace.disable();
          context.disable();
          propagation.disable();
          if (problemsLogged) stopLoggingTracingProblems();
        }
      })()),
  };
}

/** The service name when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES gives one. */
export const defaultServiceName = "hookgate";

/**
 * The exporter for the transport OTEL_EXPORTER_OTLP_PROTOCOL names; each reads its endpoint,
 * headers and timeout from OTEL_EXPORTER_OTLP_* itself. Only the chosen one is loaded (gRPC's is
 * the heavy one).
 */
async function otlpExporter(protocol: OtlpProtocol): Promise<SpanExporter> {
  switch (protocol) {
    case "http/protobuf":
      return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter();
    case "http/json":
      return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter();
    case "grpc":
      return new (await import("@opentelemetry/exporter-trace-otlp-grpc")).OTLPTraceExporter();
  }
}
