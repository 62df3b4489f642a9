import type { Pool } from "pg";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { Config } from "./config.js";
import type { Metrics } from "./observability/metrics.js";
import type { BuiltInSchema } from "./origin/built-in-schema.js";
import type { SecretBox } from "./secrets/secret-box.js";
import type { Db } from "./store/database.js";

/** The long-lived parts every request and job works with, built once at start (see app.ts). */
export interface Services {
  readonly config: Config;
  readonly db: Db;
  /** The pool under `db`, which graphile-worker shares. */
  readonly pool: Pool;
  readonly databaseUrl: string;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  /** The API's schema: origin queries are validated against it and run on it, on this `db` (app.ts servicesOn). */
  readonly builtInSchema: BuiltInSchema;
  /** Keep-alive HTTP for every request to a URL a tenant gave, behind the address guard. */
  readonly outbound: Dispatcher;
  /** This process's Prometheus metrics (a registry of its own: several instances may share a process). */
  readonly metrics: Metrics;
}
