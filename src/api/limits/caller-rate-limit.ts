import type pg from "pg";
import { BurstyRateLimiter } from "rate-limiter-flexible";
import type { Rate } from "../../duration.js";
import { sharedLimiter } from "../../store/rate-limit-table.js";
import { describeRate, refusalOf } from "./refusal.js";

/** How many of the rate's windows the burst allowance lasts before it is granted again. */
const burstWindows = 10;

/**
 * HOOKGATE_API_RATE_LIMIT: requests per window for each caller (an API key, the operator token,
 * or an address without credentials), shared by every API process. Beyond it a caller may spend
 * HOOKGATE_API_RATE_BURST more requests, an allowance granted anew every ten windows, so a short
 * spike passes while a sustained excess is refused. The burst is asked only once the rate is
 * spent: a request within the rate costs one statement.
 */
export function createCallerRateLimit(pool: pg.Pool, rate: Rate, burst: number) {
  const limiter = sharedLimiter(pool, { prefix: "request", rate, sweepsExpired: true });
  const limit =
    burst > 0
      ? new BurstyRateLimiter(
          limiter,
          sharedLimiter(pool, { prefix: "request-burst", rate: { count: burst, windowMs: rate.windowMs * burstWindows } }),
        )
      : limiter;
  const what = `too many requests for this caller: at most ${describeRate(rate)}${burst > 0 ? `, plus a burst of ${burst}` : ""} (HOOKGATE_API_RATE_LIMIT)`;
  return {
    /** Counts one request of `caller`; throws RateLimitedError when it is over its limit. */
    async spend(caller: string): Promise<void> {
      await limit.consume(caller).catch((rejection: unknown) => {
        throw refusalOf(rejection, what);
      });
    },
  };
}
