import { ConfigError, type Env, flag, httpUrl } from "./config-values.js";

// OpenTelemetry's settings that hookgate reads itself (docs/tracing.md); the SDK reads the rest.

export interface TracingConfig {
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT (the SDK adds /v1/traces to it). */
  readonly endpoint: string;
  /** OTEL_SERVICE_NAME, or "hookgate". */
  readonly serviceName: string;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, or OTEL_EXPORTER_OTLP_PROTOCOL, or OpenTelemetry's default http/protobuf. */
  readonly protocol: OtlpProtocol;
  /** OTEL_LOG_LEVEL is set: the SDK writes its own diagnostics to the console, not to hookgate's log. */
  readonly sdkLogsToConsole: boolean;
}

/** The OTLP transports OpenTelemetry's specification names, the values of OTEL_EXPORTER_OTLP_PROTOCOL. */
export const otlpProtocols = ["http/protobuf", "http/json", "grpc"] as const;
export type OtlpProtocol = (typeof otlpProtocols)[number];

/**
 * Tracing is on only where an operator points it at a collector: off, the OpenTelemetry API stays
 * a no-op. The SDK reads the other OTEL_* variables itself (headers, sampler, resource attributes).
 */
export function tracingConfig(env: Env): TracingConfig | null {
  if (flag(env, "OTEL_SDK_DISABLED")) return null;
  const endpoint = httpUrl(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? httpUrl(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  if (endpoint === undefined) return null;
  return Object.freeze({
    endpoint,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || "hookgate",
    protocol: otlpProtocol(env),
    // Blank counts as unset, as the SDK reads it.
    sdkLogsToConsole: Boolean(env.OTEL_LOG_LEVEL?.trim()),
  });
}

function otlpProtocol(env: Env): OtlpProtocol {
  const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const value = env[name]?.trim() || "http/protobuf";
  if (!(otlpProtocols as readonly string[]).includes(value)) {
    throw new ConfigError(`${name}: expected ${otlpProtocols.join(", ")}, got "${env[name]}"`);
  }
  return value as OtlpProtocol;
}
