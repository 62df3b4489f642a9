import { RateLimiterRes } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { createPool } from "../../src/store/database.js";
import { sharedLimiter } from "../../src/store/rate-limit-table.js";
import { freePort } from "../support/free-port.js";

describe("a shared limiter whose PostgreSQL is unreachable", () => {
  it("fails open to a limit of the same rate in this process, rather than refusing everyone", async () => {
    const pool = createPool(`postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, { max: 1 });
    try {
      const limiter = sharedLimiter(pool, { prefix: "request", rate: { count: 3, windowMs: 60_000 } });
      for (let i = 0; i < 3; i++) await expect(limiter.consume("key:a")).resolves.toBeInstanceOf(RateLimiterRes);
      await expect(limiter.consume("key:a")).rejects.toBeInstanceOf(RateLimiterRes);
      await expect(limiter.consume("key:b"), "another key has its own count").resolves.toBeInstanceOf(RateLimiterRes);
    } finally {
      await pool.end();
    }
  });
});
