import { LRUCache } from "lru-cache";
import type pg from "pg";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { Rate } from "../../duration.js";
import { sharedLimiter } from "../../store/rate-limit-table.js";
import { describeRate, limitedFor, refusalOf } from "./refusal.js";

/**
 * HOOKGATE_AUTH_FAILURE_LIMIT: failed authentications (an unknown or revoked API key, a wrong
 * operator token) per window for each client address, counted across every API process. The
 * failure past the limit, and every request from that address after it, is answered 429 without
 * looking at its credentials until the window ends: were a right key let through meanwhile, a
 * guesser could tell it from the 429s. So a right key from that address waits too, at most one
 * window (a minute by default); the window is fixed, so refused attempts do not prolong it.
 *
 * The address is the socket's: behind a proxy every client shares the proxy's, and a forwarded
 * header is not trusted, as any client could forge it.
 *
 * A process learns that an address is blocked from its own count, so with N API processes an
 * address gets at most N - 1 guesses beyond the limit per window, each costing its statement.
 */
export function createAuthFailureThrottle(pool: pg.Pool, rate: Rate) {
  const failures = sharedLimiter(pool, { prefix: "auth-failure", rate });
  /** Addresses refused until the epoch millisecond held, learnt from the shared count. */
  const blocked = new LRUCache<string, number>({ max: 100_000 });
  const what = `too many failed authentications from this address: at most ${describeRate(rate)} (HOOKGATE_AUTH_FAILURE_LIMIT)`;
  return {
    /** Throws RateLimitedError while `address` is blocked; costs no statement. */
    refuseIfBlocked(address: string): void {
      const left = (blocked.get(address) ?? 0) - Date.now();
      if (left > 0) throw limitedFor(left, what);
    },
    /** Counts a failed authentication; throws RateLimitedError when it is one too many. */
    async record(address: string): Promise<void> {
      await failures.consume(address).catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) blocked.set(address, Date.now() + rejection.msBeforeNext);
        throw refusalOf(rejection, what);
      });
    },
  };
}
