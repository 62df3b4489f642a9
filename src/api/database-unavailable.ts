import type { ApolloServerPlugin } from "@apollo/server";
import { isTransientDatabaseError } from "../store/transient.js";

/**
 * What a caller sees while PostgreSQL restarts or fails over: a request that needed it is answered
 * 503 with Retry-After and a code it can act on, instead of a masked internal error. The request
 * may or may not have been carried out (a commit cut off before its answer); repeating a
 * `publishEvent` with its idempotencyKey is safe.
 */
export const databaseUnavailable = {
  status: 503,
  code: "SERVICE_UNAVAILABLE",
  retryAfterSeconds: 2,
  message: "the database did not answer (a restart or failover); the request may not have been carried out — try again shortly",
} as const;

export function isDatabaseUnavailable(error: unknown): boolean {
  return isTransientDatabaseError(error);
}

/** Gives a GraphQL answer whose errors say the database was unavailable the HTTP status that says so too. */
export const databaseUnavailableStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== "single") return;
        const errors = response.body.singleResult.errors ?? [];
        if (!errors.some((error) => error.extensions?.code === databaseUnavailable.code)) return;
        response.http.status = databaseUnavailable.status;
        response.http.headers.set("retry-after", String(databaseUnavailable.retryAfterSeconds));
      },
    };
  },
};
