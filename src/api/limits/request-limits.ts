import type { IncomingMessage } from "node:http";
import type { Services } from "../../services.js";
import { authenticate } from "../authenticate.js";
import type { Credentials } from "../context.js";
import { createAuthFailureThrottle } from "./auth-failure-throttle.js";
import { clientAddress } from "./client-address.js";
import { createCallerRateLimit } from "./caller-rate-limit.js";

/** The gate every API request passes before anything runs: /graphql and the doo REST API alike. */
export interface RequestLimits {
  /**
   * The request's credentials, once it is within its limits; throws RateLimitedError when it is
   * not (nothing has run then). A request with rejected credentials is admitted, to be answered
   * UNAUTHENTICATED, until its address has failed too often.
   */
  admit(request: IncomingMessage): Promise<Credentials>;
}

/**
 * HOOKGATE_AUTH_FAILURE_LIMIT per client address, then HOOKGATE_API_RATE_LIMIT per caller
 * (docs/limits.md). A request within its limits costs one statement (its caller's count); an
 * address already over its failures costs none.
 */
export function createRequestLimits(services: Services): RequestLimits {
  const { config, db, pool } = services;
  const failures = config.authFailureLimit ? createAuthFailureThrottle(pool, config.authFailureLimit) : null;
  const requests = config.apiRateLimit ? createCallerRateLimit(pool, config.apiRateLimit, config.apiRateBurst) : null;
  return {
    async admit(request) {
      const address = clientAddress(request, config.trustedProxyHops);
      failures?.refuseIfBlocked(address);
      const credentials = await authenticate(db, request.headers, config.operatorToken, config.apiKeyCacheTtlMs);
      if (credentials.rejected) {
        await failures?.record(address);
        return credentials;
      }
      await requests?.spend(callerOf(credentials, address));
      return credentials;
    },
  };
}

/** Whose budget a request spends: its key's, the operator token's, or, without credentials, its address's. */
function callerOf(credentials: Credentials, address: string): string {
  if (credentials.caller) return `key:${credentials.caller.apiKeyId}`;
  return credentials.operator ? "operator" : `address:${address}`;
}
