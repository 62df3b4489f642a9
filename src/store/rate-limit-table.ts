import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres } from "rate-limiter-flexible";
import type { Rate } from "../duration.js";

/** The table migration 0008 creates; every limiter shares it, told apart by its key prefix. */
const tableName = "rate_limits";

export interface SharedLimiterOptions {
  /** Names the limiter's keys in the table ("request", "auth-failure"). */
  readonly prefix: string;
  readonly rate: Rate;
  /** One limiter per process deletes rows whose window ended an hour ago, every five minutes. */
  readonly sweepsExpired?: boolean;
}

/**
 * A fixed window of `rate.count` points per key, counted in PostgreSQL so every API process on
 * the database spends one budget: a consume is one upsert (a prepared statement on the pool).
 *
 * Once a key is over its count, this process refuses it from memory until its window ends
 * (`inMemoryBlockOnConsumed`), so a flood costs PostgreSQL one statement per process, not one per
 * request.
 *
 * PostgreSQL unreachable: the limiter fails open to a per-process limit of the same rate (the
 * insurance limiter), not closed. The requests it would let through need the database anyway, so
 * refusing them all would add nothing but an outage of the whole API for a blip of the
 * limiter's store; and the per-process count still keeps any one key to the rate per process.
 */
export function sharedLimiter(pool: pg.Pool, options: SharedLimiterOptions): RateLimiterPostgres {
  const points = options.rate.count;
  const duration = options.rate.windowMs / 1_000;
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName,
    tableCreated: true,
    clearExpiredByTimeout: options.sweepsExpired ?? false,
    keyPrefix: options.prefix,
    points,
    duration,
    inMemoryBlockOnConsumed: points + 1,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: options.prefix, points, duration }),
  });
}
