import path from "node:path";
import { type TracingConfig, tracingConfig } from "./config-tracing.js";
import { ConfigError, duration, durationOrOff, type Env, flag, httpUrl, integer, normalizeUrl, rate, trimTrailingSlash, urlList } from "./config-values.js";
import { parseDuration, type Rate } from "./duration.js";
import { SecretBox } from "./secrets/secret-box.js";

export { ConfigError, normalizeUrl };

/**
 * Everything hookgate reads from the environment, read once, checked once, frozen.
 * A bad value stops the process at start with a message naming the variable, rather than
 * surfacing later as a confusing runtime failure.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absent: hookgate runs an embedded PostgreSQL in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Where people reach this instance; origins pointing at `${publicUrl}/graphql` use the built-in schema. */
  readonly publicUrl: string;
  readonly originAllowlist: readonly string[];
  /** Other URLs that mean the built-in schema, e.g. doo's own https://gql.doo.net for drop-in configs. */
  readonly builtInOriginAliases: readonly string[];
  readonly operatorToken: string | undefined;
  /** Base64 of 32 bytes; absent: generated into `dataDir` on first start. */
  readonly secretKey: string | undefined;
  readonly maxRequestBytes: number;
  readonly development: boolean;
  readonly logLevel: string;
  /** Delays before each retry of a delivery. */
  readonly retrySchedule: readonly number[];
  /** A whole delivery request (connect, answer, body) must finish within this. */
  readonly deliveryTimeoutMs: number;
  /** A built-in origin query's execution starts no database statement past this; the attempt or preview fails. */
  readonly originTimeoutMs: number;
  /**
   * Lets deliveries, token requests and remote origins reach private, loopback and link-local
   * addresses. HOOKGATE_ALLOW_PRIVATE_TARGETS when set; otherwise allowed everywhere but
   * NODE_ENV=production (see privateTargetsAllowed).
   */
  readonly allowPrivateTargets: boolean;
  /** Deliveries one worker process runs at once. */
  readonly workerConcurrency: number;
  /**
   * Of those, how many one endpoint (URL) may hold: an endpoint that hangs or
   * answers slowly cannot take the slots of the others.
   */
  readonly endpointConcurrency: number;
  /** A worker silent this long is presumed dead and its locked jobs are handed to others. */
  readonly workerStaleAfterMs: number;
  /** How often an idle worker looks for retries that have come due (new jobs arrive at once). */
  readonly workerPollIntervalMs: number;
  /** How long to keep a token whose answer gave no expires_in. */
  readonly tokenDefaultTtlMs: number;
  /** A group whose every attempt has failed this long is disabled. */
  readonly autoDisableAfterMs: number;
  /** How long an API process trusts an API key it looked up; 0: every request looks it up. */
  readonly apiKeyCacheTtlMs: number;
  /** Requests one API key (the operator token: one more budget) may make per window; null: no limit. */
  readonly apiRateLimit: Rate | null;
  /** Requests beyond `apiRateLimit` a key may make now and then: once per ten of its windows. */
  readonly apiRateBurst: number;
  /** Failed authentications one client address may make per window; past it, every request of it waits. */
  readonly authFailureLimit: Rate | null;
  /** Deliveries one request may queue by hand (sendTestDelivery, redeliver), however many aliases it uses. */
  readonly maxQueuedPerRequest: number;
  /** Reverse proxies in front of the API whose X-Forwarded-For entries name the client (0: none). */
  readonly trustedProxyHops: number;
  /** GraphiQL, served from hookgate itself, at GET /graphql for browsers (HOOKGATE_PLAYGROUND). */
  readonly playground: boolean;
  /** The web console at /console (HOOKGATE_CONSOLE). */
  readonly console: boolean;
  /** Source rows (events or orders) one batch of an initialization reads and queues deliveries for. */
  readonly initializationBatchSize: number;
  /** HOOKGATE_METRICS_PORT: /metrics, /ready and /health on a port of their own (for `hookgate worker`); absent: none. */
  readonly metricsPort: number | undefined;
  /** HOOKGATE_METRICS_TOKEN: when set, /metrics wants `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  /** HOOKGATE_LOG_FORMAT: json or pretty; absent: pretty on a terminal outside production, JSON otherwise (logger.ts). */
  readonly logFormat: "json" | "pretty" | undefined;
  /**
   * How long a finished delivery (with its attempts), a publication and an initialization stay
   * before the retention task deletes them (HOOKGATE_RETENTION, docs/retention.md); null: kept for ever.
   */
  readonly retentionMs: number | null;
  /** OpenTelemetry traces, exported over OTLP (docs/tracing.md); null: off, and no span is made. */
  readonly tracing: TracingConfig | null;
}

export type { OtlpProtocol, TracingConfig } from "./config-tracing.js";

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, "PORT", 4000, { min: 0, max: 65535 });
  const publicUrl = trimTrailingSlash(httpUrl(env, "HOOKGATE_PUBLIC_URL") ?? `http://localhost:${port}`);
  // Deliveries wait on partners, not on the CPU: a worker holds hundreds at once (see docs/scaling.md).
  const workerConcurrency = integer(env, "HOOKGATE_WORKER_CONCURRENCY", 200, { min: 1, max: 2000 });
  return Object.freeze({
    port,
    host: env.HOST || "0.0.0.0",
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.HOOKGATE_DATA_DIR || ".hookgate"),
    publicUrl,
    originAllowlist: Object.freeze(urlList(env, "HOOKGATE_ORIGIN_ALLOWLIST", "")),
    builtInOriginAliases: Object.freeze(urlList(env, "HOOKGATE_BUILTIN_ORIGIN_ALIASES", "https://gql.doo.net")),
    operatorToken: operatorToken(env),
    secretKey: secretKey(env),
    maxRequestBytes: integer(env, "HOOKGATE_MAX_REQUEST_BYTES", 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
    development: env.NODE_ENV === "development",
    logLevel: env.LOG_LEVEL || "info",
    retrySchedule: Object.freeze(retrySchedule(env)),
    deliveryTimeoutMs: duration(env, "HOOKGATE_DELIVERY_TIMEOUT", 15_000),
    // An origin query within the query limits reads at most 10,000 objects: well under a second.
    originTimeoutMs: duration(env, "HOOKGATE_ORIGIN_TIMEOUT", 5_000),
    allowPrivateTargets: privateTargetsAllowed(env),
    workerConcurrency,
    endpointConcurrency: integer(env, "HOOKGATE_ENDPOINT_CONCURRENCY", Math.max(1, Math.ceil(workerConcurrency / 4)), {
      min: 1,
      max: workerConcurrency,
    }),
    workerStaleAfterMs: duration(env, "HOOKGATE_WORKER_STALE_AFTER", 30_000),
    workerPollIntervalMs: duration(env, "HOOKGATE_WORKER_POLL_INTERVAL", 1_000),
    tokenDefaultTtlMs: duration(env, "HOOKGATE_TOKEN_DEFAULT_TTL", 5 * 60_000),
    autoDisableAfterMs: duration(env, "HOOKGATE_AUTO_DISABLE_AFTER", 5 * 24 * 3_600_000),
    // A key revoked in another API process keeps working here for up to this long.
    apiKeyCacheTtlMs:
      env.HOOKGATE_API_KEY_CACHE_TTL?.trim() === "0" ? 0 : duration(env, "HOOKGATE_API_KEY_CACHE_TTL", defaultApiKeyCacheTtlMs),
    ...requestLimits(env),
    playground: flag(env, "HOOKGATE_PLAYGROUND") ?? true,
    console: flag(env, "HOOKGATE_CONSOLE") ?? true,
    initializationBatchSize: integer(env, "HOOKGATE_INITIALIZATION_BATCH", 500, { min: 1, max: 10_000 }),
    ...observability(env),
    retentionMs: durationOrOff(env, "HOOKGATE_RETENTION", "30d", { minMs: 3_600_000 }),
    tracing: tracingConfig(env),
  });
}

export const defaultApiKeyCacheTtlMs = 5_000;



/** The token may create organizations: one short enough to guess is refused at start. */
function operatorToken(env: Env): string | undefined {
  const value = env.HOOKGATE_OPERATOR_TOKEN || undefined;
  if (value !== undefined && value.length < minOperatorTokenLength) {
    throw new ConfigError(
      `HOOKGATE_OPERATOR_TOKEN: must be at least ${minOperatorTokenLength} characters (it has ${value.length}); ` +
        "generate one with: openssl rand -base64 32",
    );
  }
  return value;
}

const minOperatorTokenLength = 32;

/** See docs/limits.md. The burst defaults to the rate's own count: a key may double it for a moment. */
function requestLimits(env: Env) {
  const apiRateLimit = rate(env, "HOOKGATE_API_RATE_LIMIT", "100/s");
  return {
    apiRateLimit,
    apiRateBurst: integer(env, "HOOKGATE_API_RATE_BURST", apiRateLimit?.count ?? 0, { min: 0, max: 1_000_000_000 }),
    authFailureLimit: rate(env, "HOOKGATE_AUTH_FAILURE_LIMIT", "10/min"),
    maxQueuedPerRequest: integer(env, "HOOKGATE_MAX_QUEUED_PER_REQUEST", 10, { min: 1, max: 1_000 }),
    trustedProxyHops: integer(env, "HOOKGATE_TRUSTED_PROXY_HOPS", 0, { min: 0, max: 10 }),
  };
}

/** docs/metrics-and-readiness.md. */
function observability(env: Env) {
  const token = env.HOOKGATE_METRICS_TOKEN || undefined;
  if (token !== undefined && (token.length < 16 || /\s/.test(token))) {
    throw new ConfigError("HOOKGATE_METRICS_TOKEN: must be at least 16 characters without spaces; generate one with: openssl rand -base64 24");
  }
  const format = env.HOOKGATE_LOG_FORMAT?.trim().toLowerCase() || undefined;
  if (format !== undefined && format !== "json" && format !== "pretty") {
    throw new ConfigError(`HOOKGATE_LOG_FORMAT: expected json or pretty, got "${env.HOOKGATE_LOG_FORMAT}"`);
  }
  return {
    metricsPort: env.HOOKGATE_METRICS_PORT ? integer(env, "HOOKGATE_METRICS_PORT", 0, { min: 0, max: 65535 }) : undefined,
    metricsToken: token,
    logFormat: format as "json" | "pretty" | undefined,
  };
}

function secretKey(env: Env): string | undefined {
  const value = env.HOOKGATE_SECRET_KEY || undefined;
  if (value === undefined) return undefined;
  try {
    SecretBox.fromKey(value);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return value;
}

function retrySchedule(env: Env): number[] {
  if (!env.HOOKGATE_RETRY_SCHEDULE) return [...defaultRetrySchedule];
  try {
    return parseRetrySchedule(env.HOOKGATE_RETRY_SCHEDULE);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/**
 * A laptop's demo delivers to a receiver on localhost, so outside production private targets are
 * allowed unless refused; a production deployment (NODE_ENV=production) refuses them unless the
 * operator says otherwise. An explicit HOOKGATE_ALLOW_PRIVATE_TARGETS always wins, and startup
 * warns whenever they are allowed (src/app.ts).
 */
function privateTargetsAllowed(env: Env): boolean {
  return flag(env, "HOOKGATE_ALLOW_PRIVATE_TARGETS") ?? env.NODE_ENV?.trim() !== "production";
}



/** Delays before retries 1…9, ~3 days in all: 10 attempts, then FAILED (doo parks after 10 too). */
export const defaultRetrySchedule: readonly number[] = Object.freeze(parseRetrySchedule("5s,5m,30m,2h,5h,10h,14h,20h,24h"));

/** Parses `HOOKGATE_RETRY_SCHEDULE`, e.g. `5s,5m,30m,2h`, into delays in milliseconds. */
export function parseRetrySchedule(text: string): number[] {
  if (text.trim() === "") throw new Error("HOOKGATE_RETRY_SCHEDULE: empty; expected delays such as 5s,5m,30m,2h");
  return text.split(",").map((raw) => {
    const delay = parseDuration(raw);
    if (delay === undefined) {
      throw new Error(`HOOKGATE_RETRY_SCHEDULE: bad entry "${raw.trim()}"; expected a positive whole number with ms, s, m, h or d`);
    }
    return delay;
  });
}
