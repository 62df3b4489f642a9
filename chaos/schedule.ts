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
  /** How many times; each lands in a slot of its own, so two of a kind never overlap. */
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

/** A quiet start (publications flowing before the first fault) and a quiet end (every fault over). */
const quietStart = 0.1;
const quietEndMs = 3_000;

/**
 * The faults of a run, from its seed alone: the same seed and spec give the same schedule. Each
 * kind's share of the offering phase is cut into `count` equal slots and one fault falls at a
 * random moment of each, so faults of a kind are spread out and never overlap, while faults of
 * different kinds may (a worker killed during a PostgreSQL restart is part of the test).
 */
export function faultSchedule(random: Random, spec: ScheduleSpec): Fault[] {
  const faults: Fault[] = [];
  for (const kind of faultKinds) {
    const plan = spec.faults[kind];
    if (plan.count === 0) continue;
    const [shortest, longest] = plan.lengthMs;
    const from = Math.round(spec.offeringMs * quietStart);
    const slotMs = Math.floor((spec.offeringMs - quietEndMs - from) / plan.count);
    if (shortest > longest || slotMs < longest + 1_000) {
      throw new RangeError(`${kind}: ${plan.count} faults of up to ${longest} ms do not fit in ${spec.offeringMs} ms of offering`);
    }
    for (let i = 0; i < plan.count; i++) {
      const length = random.between(shortest, longest);
      const atMs = from + i * slotMs + random.between(0, slotMs - length - 1);
      faults.push(faultOf(kind, atMs, length, random, spec.workers));
    }
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
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
