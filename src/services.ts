import type { GraphQLSchema } from "graphql";
import type { Pool } from "pg";
import type { Logger } from "pino";
import type { Config } from "./config.js";
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
  /** The built-in schema: origin queries are validated against it and, later, run on it. */
  readonly schema: GraphQLSchema;
}
