import type { Random } from "./random.js";

/** One thing the harness does to the system, `atMs` after the offering phase began. */
export type Fault =
  | { readonly kind: "kill-worker"; readonly atMs: number; readonly worker: number; readonly downMs: number }
  | { readonly kind: "restart-postgres"; readonly atMs: number; readonly downMs: number }
  | { readonly kind: "partner-5xx"; readonly atMs: number; readonly durationMs: number }
  | { readonly kind: "partner-stall"; readonly atMs: number; readonly durationMs: number }
  | { readonly kind: "token-down"; readonly atMs: number; readonly durationMs: number };

export type FaultKind = Fault["kind"];

export interface FaultPlan {
  /** How many times. */
  readonly count: number;
  /** How long it lasts (worker or PostgreSQL down, or the window), from…to, in ms. */
  readonly lengthMs: readonly [number, number];
}

export interface ScheduleSpec {
  /** The faults fall inside the offering phase, so that the drain phase sees the system whole again. */
  readonly offeringMs: number;
  readonly workers: number;
  readonly faults: Readonly<Record<FaultKind, FaultPlan>>;
}

export const faultKinds: readonly FaultKind[] = ["kill-worker", "restart-postgres", "partner-5xx", "partner-stall", "token-down"];

/** Faults that last a window; each gets a slot of its own. */
const windowKinds: readonly FaultKind[] = ["restart-postgres", "partner-5xx", "partner-stall", "token-down"];

/** A quiet start (publications flowing before the first fault) and a quiet end (every fault over). */
const quietStart = 0.1;
const quietEndMs = 3_000;

/**
 * The faults of a run, from its seed alone: the same seed and spec give the same schedule.
 * Windows (PostgreSQL down, the partner failing or stalling, the token endpoint down) never
 * overlap: the offering phase is cut into one slot per window, dealt out in a random order, and
 * each falls at a random moment of its slot, so each window's effect is its own (a stall while no
 * token can be had would test nothing). Worker kills are spread the same way on a track of their
 * own, so they do land in windows (a worker killed while PostgreSQL is down is part of the test).
 */
export function faultSchedule(random: Random, spec: ScheduleSpec): Fault[] {
  const windows = shuffled(
    windowKinds.flatMap((kind) => Array.from({ length: spec.faults[kind].count }, () => kind)),
    random,
  );
  const kills = Array.from({ length: spec.faults["kill-worker"].count }, (): FaultKind => "kill-worker");
  return [...spread(windows, random, spec), ...spread(kills, random, spec)].sort((a, b) => a.atMs - b.atMs);
}

/** One fault per equal slot of the offering phase (after the quiet start, before the quiet end). */
function spread(kinds: readonly FaultKind[], random: Random, spec: ScheduleSpec): Fault[] {
  if (kinds.length === 0) return [];
  const from = Math.round(spec.offeringMs * quietStart);
  const slotMs = Math.floor((spec.offeringMs - quietEndMs - from) / kinds.length);
  return kinds.map((kind, i) => {
    const [shortest, longest] = spec.faults[kind].lengthMs;
    if (shortest > longest || slotMs < longest + 1_000) {
      throw new RangeError(`${kind}: a fault of up to ${longest} ms does not fit a ${slotMs} ms slot of ${spec.offeringMs} ms of offering`);
    }
    const length = random.between(shortest, longest);
    const atMs = from + i * slotMs + random.between(0, slotMs - length - 1);
    return faultOf(kind, atMs, length, random, spec.workers);
  });
}

/** Fisher–Yates, driven by the run's generator. */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = random.between(0, i);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

function faultOf(kind: FaultKind, atMs: number, length: number, random: Random, workers: number): Fault {
  switch (kind) {
    case "kill-worker":
      return { kind, atMs, worker: random.between(0, workers - 1), downMs: length };
    case "restart-postgres":
      return { kind, atMs, downMs: length };
    default:
      return { kind, atMs, durationMs: length };
  }
}

/** When the fault is over: the worker or PostgreSQL is back, the window closed. */
export function faultEndMs(fault: Fault): number {
  return fault.atMs + ("downMs" in fault ? fault.downMs : fault.durationMs);
}

/** One line per fault, for the run's printout. */
export function describeFault(fault: Fault): string {
  const at = `${(fault.atMs / 1000).toFixed(1)} s`;
  switch (fault.kind) {
    case "kill-worker":
      return `${at}: SIGKILL worker-${fault.worker + 1}, restarted ${fault.downMs} ms later`;
    case "restart-postgres":
      return `${at}: PostgreSQL stopped -m immediate, started again ${fault.downMs} ms later`;
    case "partner-5xx":
      return `${at}: the partner answers 500 for ${fault.durationMs} ms`;
    case "partner-stall":
      return `${at}: the partner stalls (answers nothing) for ${fault.durationMs} ms`;
    case "token-down":
      return `${at}: the token endpoint refuses connections for ${fault.durationMs} ms`;
  }
}
