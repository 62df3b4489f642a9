import { RateLimiterRes } from "rate-limiter-flexible";
import { formatDuration, type Rate } from "../../duration.js";
import { RateLimitedError } from "../../errors.js";

/** A refusal whose Retry-After is the seconds left in the window, rounded up. */
export function limitedFor(msBeforeNext: number, what: string): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1_000));
  return new RateLimitedError(`${what}; retry in ${seconds} s`, seconds);
}

/** A limiter's rejection as the caller sees it; anything else a limiter throws is passed on as it is. */
export function refusalOf(rejection: unknown, what: string): unknown {
  return rejection instanceof RateLimiterRes ? limitedFor(rejection.msBeforeNext, what) : rejection;
}

/** "100 per 1 second", for messages naming a limit. */
export function describeRate(rate: Rate): string {
  return `${rate.count} per ${formatDuration(rate.windowMs)}`;
}
