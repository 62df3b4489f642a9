const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationPattern = /^(\d+)(ms|s|m|h|d)$/;

/** "250ms", "5s", "30m", "2h", "1d" in milliseconds; undefined for anything else (no zero, no fractions). */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  const amount = Number(match?.[1]);
  const unit = match?.[2] as keyof typeof unitMs | undefined;
  return unit !== undefined && amount > 0 ? amount * unitMs[unit] : undefined;
}

/** 86400000 as "1 day", 90000 as "90 seconds": the largest unit that divides it evenly. */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, "day"], [3_600_000, "hour"], [60_000, "minute"], [1_000, "second"]];
  const [size, name] = units.find(([size]) => ms >= size && ms % size === 0) ?? [1, "millisecond"];
  const count = ms / size;
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}

/** A number of requests (or attempts) allowed per fixed window. */
export interface Rate {
  readonly count: number;
  readonly windowMs: number;
}

const ratePattern = /^(\d+)\/(\w+)$/;
const bareUnits: Record<string, string> = { s: "1s", sec: "1s", second: "1s", m: "1m", min: "1m", minute: "1m", h: "1h", hour: "1h" };

/**
 * "100/s", "6000/min", "20/10s": a count per window of whole seconds; undefined for anything
 * else. The window is a duration (as parseDuration reads it) or a bare unit meaning one of it.
 */
export function parseRate(text: string): Rate | undefined {
  const match = ratePattern.exec(text.replace(/\s+/g, ""));
  const count = Number(match?.[1]);
  const window = match?.[2];
  const windowMs = window === undefined ? undefined : parseDuration(bareUnits[window] ?? window);
  if (!(count > 0) || count > 1_000_000_000 || windowMs === undefined || windowMs % 1_000 !== 0) return undefined;
  return { count, windowMs };
}
