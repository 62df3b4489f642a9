import { setTimeout as sleep } from "node:timers/promises";
import type { Cluster } from "./cluster.js";
import type { Partner, PartnerMode } from "./partner.js";
import { describeFault, type Fault } from "./schedule.js";
import type { Supervisor } from "./supervisor.js";
import type { TokenEndpoint } from "./token-endpoint.js";

export interface Targets {
  readonly supervisor: Supervisor;
  readonly cluster: Cluster;
  readonly partner: Partner;
  readonly tokens: TokenEndpoint;
}

/** A fault as it happened: when it began and ended (ms since the offering began), or why it could not be done. */
export interface FaultRecord {
  readonly fault: Fault;
  readonly description: string;
  readonly startedMs: number;
  readonly endedMs: number;
  readonly error?: string;
}

export const workerName = (index: number) => `worker-${index + 1}`;

/**
 * Carries out the schedule against the running system, each fault at its moment (timed from
 * `startedAt`, the offering phase's start); resolves when the last is over. Windows of the
 * partner may overlap: a stall wins over 500s, and it answers normally once none is open.
 */
export async function runFaults(schedule: readonly Fault[], targets: Targets, startedAt: number, log: (line: string) => void): Promise<FaultRecord[]> {
  const open = { "5xx": 0, stall: 0 };
  const partnerMode = (): PartnerMode => (open.stall > 0 ? "stall" : open["5xx"] > 0 ? "5xx" : "ok");
  const window = async (kind: "5xx" | "stall", durationMs: number) => {
    open[kind] += 1;
    targets.partner.setMode(partnerMode());
    await sleep(durationMs);
    open[kind] -= 1;
    targets.partner.setMode(partnerMode());
  };

  const act = async (fault: Fault): Promise<void> => {
    switch (fault.kind) {
      case "kill-worker": {
        await targets.supervisor.kill(workerName(fault.worker));
        await sleep(fault.downMs);
        targets.supervisor.restart(workerName(fault.worker));
        return;
      }
      case "restart-postgres":
        return targets.cluster.restartImmediately(fault.downMs);
      case "partner-5xx":
        return window("5xx", fault.durationMs);
      case "partner-stall":
        return window("stall", fault.durationMs);
      case "token-down":
        await targets.tokens.goDown();
        await sleep(fault.durationMs);
        await targets.tokens.comeUp();
        return;
    }
  };

  const since = () => Date.now() - startedAt;
  return Promise.all(
    schedule.map(async (fault): Promise<FaultRecord> => {
      const wait = startedAt + fault.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      const description = describeFault(fault);
      log(`fault ${description}`);
      const startedMs = since();
      try {
        await act(fault);
        return { fault, description, startedMs, endedMs: since() };
      } catch (error) {
        log(`fault FAILED: ${description}: ${(error as Error).message}`);
        return { fault, description, startedMs, endedMs: since(), error: (error as Error).message };
      }
    }),
  );
}
