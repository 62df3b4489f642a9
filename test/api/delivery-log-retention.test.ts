import { describe, expect, it } from "vitest";
import { createViewerKey } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

// The delivery log says how far back it reaches (HOOKGATE_RETENTION), to every reader.
const query = `{ deliveries(first: 1) { logRetention logKeptSince } }`;

describe("with the default retention", () => {
  const app = useTestApp();

  it("says the log keeps 30 days, and since when", async () => {
    const before = Date.now();
    const result = await app.graphql(query, {}, { key: await createViewerKey(app) });
    const after = Date.now();
    expect(result.errors).toBeUndefined();
    const { logRetention, logKeptSince } = result.data!.deliveries;
    expect(logRetention).toBe("30 days");
    const since = new Date(logKeptSince).getTime();
    expect(since).toBeGreaterThanOrEqual(before - 30 * 86_400_000);
    expect(since).toBeLessThanOrEqual(after - 30 * 86_400_000);
  });
});

describe("with HOOKGATE_RETENTION=off", () => {
  const app = useTestApp({ HOOKGATE_RETENTION: "off" });

  it("says nothing is deleted: both null", async () => {
    const result = await app.graphql(query);
    expect(result.data!.deliveries).toEqual({ logRetention: null, logKeptSince: null });
  });
});

describe("with HOOKGATE_RETENTION=12h", () => {
  const app = useTestApp({ HOOKGATE_RETENTION: "12h" });

  it("says 12 hours", async () => {
    const result = await app.graphql(query);
    expect(result.data!.deliveries.logRetention).toBe("12 hours");
  });
});
