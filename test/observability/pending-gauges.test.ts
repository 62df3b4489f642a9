import { describe, expect, it } from "vitest";
import { createMetrics, type PendingDeliveries } from "../../src/observability/metrics.js";

// The two pending gauges read the database at scrape time: one read at a time, its answer kept
// for a few seconds, and a scrape that does not wait past its timeout. `pending` here is a
// function the test answers by hand, in place of the statement (test/store/pending-deliveries.test.ts).

function controlledPending() {
  const calls: Array<(rows: readonly PendingDeliveries[]) => void> = [];
  return {
    calls,
    read: () => new Promise<readonly PendingDeliveries[]>((resolve) => calls.push(resolve)),
  };
}

const rows = (count: number): PendingDeliveries[] => [{ status: "PENDING", count, oldestDueAgeSeconds: 7 }];

function value(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}\\{status="PENDING"\\} (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : undefined;
}

describe("the pending gauges", () => {
  it("answer several scrapes at once with one read, and keep the answer for pendingCacheMs", async () => {
    const pending = controlledPending();
    const metrics = createMetrics({ pending: pending.read, pendingTimeoutMs: 5_000, pendingCacheMs: 3_000 });

    const scrapes = Promise.all([metrics.registry.metrics(), metrics.registry.metrics(), metrics.registry.metrics()]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pending.calls).toHaveLength(1);
    pending.calls[0]!(rows(3));
    for (const text of await scrapes) {
      expect(value(text, "hookgate_deliveries_pending")).toBe(3);
      expect(value(text, "hookgate_oldest_pending_delivery_age_seconds")).toBe(7);
    }

    // Within the cache: no read.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(value(await metrics.registry.metrics(), "hookgate_deliveries_pending")).toBe(3);
    expect(pending.calls).toHaveLength(1);

    // After it: read again. (A cache long enough that a stall of the loaded test machine
    // between the answer and the scrape above cannot outlast it.)
    await new Promise((resolve) => setTimeout(resolve, 3_050));
    const later = metrics.registry.metrics();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pending.calls).toHaveLength(2);
    pending.calls[1]!(rows(4));
    expect(value(await later, "hookgate_deliveries_pending")).toBe(4);
  });

  it("leave a scrape out when the read is late, and never start a second read while it runs", async () => {
    const pending = controlledPending();
    const metrics = createMetrics({ pending: pending.read, pendingTimeoutMs: 150, pendingCacheMs: 5_000 });

    const started = Date.now();
    const first = await metrics.registry.metrics();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(value(first, "hookgate_deliveries_pending")).toBeUndefined();
    // The read is still under way: the next scrape waits for it (up to its timeout) instead of starting another.
    expect(value(await metrics.registry.metrics(), "hookgate_deliveries_pending")).toBeUndefined();
    expect(pending.calls).toHaveLength(1);

    // Its late answer serves the scrapes after it.
    pending.calls[0]!(rows(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(value(await metrics.registry.metrics(), "hookgate_deliveries_pending")).toBe(2);
    expect(pending.calls).toHaveLength(1);
  });
});
