import { describe, expect, it } from "vitest";
import { healthChange } from "../../../src/delivery/steps/group-health.js";

// What a round says about its group, given the group as the recording statement saw it on the
// database's clock. The statement it leads to checks again; this decides whether one is needed.

const day = 86_400_000;
const disableAfter = 5 * day;

describe("healthChange", () => {
  it("costs a healthy group nothing: a success while not failing changes nothing", () => {
    expect(healthChange(true, { enabled: true, failingForMs: null }, disableAfter)).toBeNull();
  });

  it("clears the failure clock on any success, however long the group was failing", () => {
    expect(healthChange(true, { enabled: true, failingForMs: 1 }, disableAfter)).toBe("clear");
    expect(healthChange(true, { enabled: true, failingForMs: 10 * day }, disableAfter)).toBe("clear");
  });

  it("starts the clock at the first failure", () => {
    expect(healthChange(false, { enabled: true, failingForMs: null }, disableAfter)).toBe("start");
  });

  it("leaves a running clock alone until the window has passed", () => {
    expect(healthChange(false, { enabled: true, failingForMs: 1 }, disableAfter)).toBeNull();
    expect(healthChange(false, { enabled: true, failingForMs: disableAfter }, disableAfter)).toBeNull();
  });

  it("disables an enabled group failing longer than the window, and only an enabled one", () => {
    expect(healthChange(false, { enabled: true, failingForMs: disableAfter + 1 }, disableAfter)).toBe("disable");
    expect(healthChange(false, { enabled: false, failingForMs: disableAfter + 1 }, disableAfter)).toBeNull();
  });
});
