/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same fault schedule, so a
 * failing run can be replayed with `--seed`. A dozen lines written here rather than a dependency:
 * the schedule needs nothing but uniform numbers, and their quality hardly matters.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** A whole number in [min, max], both included. */
  between(min: number, max: number): number;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** A seed for a run that was given none: printed, so the run can be replayed. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
