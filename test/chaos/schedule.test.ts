import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { full, quick } from "../../chaos/profiles.js";
import { seededRandom } from "../../chaos/random.js";
import { type Fault, faultEndMs, faultKinds, faultSchedule, type ScheduleSpec } from "../../chaos/schedule.js";

const windowsOf = (faults: Fault[]) => faults.filter((fault) => fault.kind !== "kill-worker");

describe("the chaos fault schedule", () => {
  it("is the same for the same seed, so a failing run can be replayed", () => {
    expect(faultSchedule(seededRandom(42), quick)).toEqual(faultSchedule(seededRandom(42), quick));
    expect(faultSchedule(seededRandom(42), quick)).not.toEqual(faultSchedule(seededRandom(43), quick));
  });

  it("has every kind of fault, as many as the profile asks, in the quick and the full run", () => {
    for (const profile of [quick, full]) {
      const faults = faultSchedule(seededRandom(7), profile);
      for (const kind of faultKinds) {
        expect(faults.filter((fault) => fault.kind === kind)).toHaveLength(profile.faults[kind].count);
        expect(profile.faults[kind].count).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it("for any seed: windows never overlap, every fault is over before the offering ends, kills hit existing workers", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(quick, full), (seed, profile) => {
        const faults = faultSchedule(seededRandom(seed), profile);
        const windows = windowsOf(faults);
        for (let i = 1; i < windows.length; i++) expect(windows[i]!.atMs).toBeGreaterThanOrEqual(faultEndMs(windows[i - 1]!));
        for (const fault of faults) {
          expect(fault.atMs).toBeGreaterThan(0);
          expect(faultEndMs(fault)).toBeLessThan(profile.offeringMs);
          const [shortest, longest] = profile.faults[fault.kind].lengthMs;
          expect(faultEndMs(fault) - fault.atMs).toBeGreaterThanOrEqual(shortest);
          expect(faultEndMs(fault) - fault.atMs).toBeLessThanOrEqual(longest);
          if (fault.kind === "kill-worker") expect(fault.worker).toBeLessThan(profile.workers);
        }
        expect(faults.map((fault) => fault.atMs)).toEqual([...faults.map((fault) => fault.atMs)].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a plan whose faults cannot fit the offering phase, rather than overlapping them", () => {
    const cramped: ScheduleSpec = { ...quick, offeringMs: 20_000 };
    expect(() => faultSchedule(seededRandom(1), cramped)).toThrow(/does not fit/);
  });
});
