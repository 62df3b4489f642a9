import { context, propagation, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { TracingConfig } from "../config.js";

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

/**
 * The seam for tests: spans go to `exporter` (an InMemorySpanExporter) as each one ends, through
 * the same SDK setup as production, with no network.
 */
export interface TracingSeam {
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
export async function startTracing(config: TracingConfig | null, seam: TracingSeam = {}): Promise<RunningTracing | null> {
  if (!config && !seam.exporter) return null;
  if (on) throw new Error("tracing is already started in this process");
  const [{ NodeSDK }, { OTLPTraceExporter }, { defaultResource, resourceFromAttributes }, { SimpleSpanProcessor }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import("@opentelemetry/sdk-node"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/sdk-trace-base"),
      import("@opentelemetry/semantic-conventions"),
    ]);
  const serviceName = config?.serviceName ?? defaultServiceName;
  const sdk = new NodeSDK({
    // The base resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, detected at start, win.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    // The OTLP/HTTP exporter reads its endpoint, headers and timeout from OTEL_EXPORTER_OTLP_*;
    // batched (OTEL_BSP_*), so a span costs no request of its own.
    ...(seam.exporter ? { spanProcessors: [new SimpleSpanProcessor(seam.exporter)] } : { traceExporter: new OTLPTraceExporter() }),
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
        }
      })()),
  };
}

/** The service name when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES gives one. */
export const defaultServiceName = "hookgate";
