import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.js";

describe("HOOKGATE_RETENTION", () => {
  it("is 30 days by default, a duration when set, and null (keep everything) when off", () => {
    expect(loadConfig({}).retentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ HOOKGATE_RETENTION: "90d" }).retentionMs).toBe(90 * 86_400_000);
    expect(loadConfig({ HOOKGATE_RETENTION: " 12h " }).retentionMs).toBe(12 * 3_600_000);
    expect(loadConfig({ HOOKGATE_RETENTION: "off" }).retentionMs).toBeNull();
    expect(loadConfig({ HOOKGATE_RETENTION: "OFF" }).retentionMs).toBeNull();
  });

  it.each(["30", "30 days", "-1d", "0d", "1.5d", "59m", "never", "forever"])("refuses %s with a ConfigError naming the variable", (value) => {
    let thrown: unknown;
    try {
      loadConfig({ HOOKGATE_RETENTION: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(/^HOOKGATE_RETENTION: expected a duration of at least 1 hour/);
    expect((thrown as Error).message).toContain(value);
  });
});
