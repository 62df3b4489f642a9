import type { KyselyPlugin } from "kysely";
import type { Db } from "./database.js";

/**
 * `db` for work that has a time budget: once `signal` aborts, every statement built on it throws
 * the signal's reason instead of starting (one already running finishes). PostgreSQL has no
 * cheaper way to stop a GraphQL execution that graphql-js cannot cancel: each statement is where
 * its work would start.
 */
export function abortable(db: Db, signal: AbortSignal): Db {
  return db.withPlugin(stopWhenAborted(signal));
}

function stopWhenAborted(signal: AbortSignal): KyselyPlugin {
  return {
    // Kysely calls this as it compiles each statement, before it takes a connection.
    transformQuery({ node }) {
      signal.throwIfAborted();
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}
