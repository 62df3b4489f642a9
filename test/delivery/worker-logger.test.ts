import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { workerLogger } from "../../src/delivery/worker-logger.js";

function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}

describe("graphile-worker's log lines in hookgate's log", () => {
  it("keeps warnings and errors at their level", () => {
    const { logger, lines } = capture();
    const log = workerLogger(logger);
    log.warn("Failed to release job");
    log.error("Error with notify listener");
    expect(lines.map(({ level, msg }) => [level, msg])).toEqual([
      [40, "Failed to release job"],
      [50, "Error with notify listener"],
    ]);
  });

  it("says the pool is smaller than the concurrency only at debug level: hookgate sizes it so on purpose", () => {
    const { logger, lines } = capture();
    workerLogger(logger).warn("WARNING: having maxPoolSize (30) smaller than concurrency (200) may lead to non-optimal performance.");
    expect(lines.map(({ level }) => level)).toEqual([20]);
  });
});
