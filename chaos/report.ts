import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DatabaseReport } from "./database-report.js";
import type { FaultRecord } from "./faults.js";
import type { Ledger } from "./ledger.js";
import type { PartnerCounters } from "./partner.js";
import type { Death, Stop } from "./supervisor.js";

export interface ChaosResult {
  readonly startedAt: string;
  readonly profile: "quick" | "full";
  readonly seed: number;
  /** To replay the run's schedule. */
  readonly replay: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly ledger: Ledger;
  /** Processes that exited without the harness asking: must be none. */
  readonly diedOnTheirOwn: readonly Death[];
  readonly database: DatabaseReport | { readonly error: string };
  readonly faults: readonly FaultRecord[];
  /** How each process took the SIGTERM at the end. */
  readonly stops: readonly Stop[];
  readonly partner: PartnerCounters & { readonly tokensIssued: number };
  readonly publisher: { readonly unacknowledged: number; readonly failedTries: Readonly<Record<string, number>> };
  readonly timings: { readonly offeringMs: number; readonly drainMs: number; readonly drained: boolean; readonly totalMs: number };
  readonly logs: string;
  readonly passed: boolean;
}

/** The run passes when nothing acknowledged went missing and no process died on its own. */
export function passed(ledger: Ledger, deaths: readonly Death[]): boolean {
  return ledger.missing === 0 && deaths.length === 0;
}

export function formatResult(result: ChaosResult): string {
  const { ledger } = result;
  const database = "error" in result.database
    ? `unreadable (${result.database.error})`
    : `${result.database.notSucceeded} not SUCCEEDED (${Object.entries(result.database.deliveriesByStatus).map(([status, n]) => `${status} ${n}`).join(", ")}), ${result.database.jobsLeft} jobs left` +
      (result.database.jobsLocked > 0 ? ` (${result.database.jobsLocked} locked, oldest for ${result.database.oldestLockSeconds} s)` : "") +
      ` (${result.database.jobsSpent} spent or retired)`;
  const lines = [
    "",
    `chaos ${result.profile} run, seed ${result.seed} (replay: ${result.replay})`,
    `  publications offered          ${ledger.publicationsOffered}`,
    `  publications acknowledged     ${ledger.publicationsAcknowledged}`,
    `  deliveries expected           ${ledger.deliveriesExpected}`,
    `  delivered (2xx at partner)    ${ledger.delivered}`,
    `  missing                       ${ledger.missing}${ledger.missingSeqs.length ? `  (publications ${ledger.missingSeqs.join(", ")})` : ""}`,
    `  delivered more than once      ${ledger.deliveredMoreThanOnce}`,
    `  surplus deliveries            ${ledger.surplus}`,
    `  delivered, not acknowledged   ${ledger.deliveredUnacknowledged}`,
    `  processes died on their own   ${result.diedOnTheirOwn.length}${result.diedOnTheirOwn.map((d) => `  ${d.name} pid ${d.pid} (${d.signal ?? `code ${d.exitCode}`}) at ${(d.atMs / 1000).toFixed(1)} s`).join(";")}`,
    `  database                      ${database}`,
    `  faults                        ${result.faults.length}${result.faults.some((f) => f.error) ? ` (${result.faults.filter((f) => f.error).length} could not be done)` : ""}`,
    `  partner                       ${result.partner.requests} requests, ${result.partner.answered5xx} answered 500, ${result.partner.stalled} stalled, ` +
      `${result.partner.badToken} bad token, ${result.partner.badSignature} bad signature; ${result.partner.tokensIssued} tokens issued`,
    `  stops (SIGTERM)               ${result.stops.map((s) => `${s.name} ${s.clean ? "" : "UNCLEAN "}${s.ms} ms`).join(", ")}`,
    `  time                          offering ${(result.timings.offeringMs / 1000).toFixed(1)} s, drain ${(result.timings.drainMs / 1000).toFixed(1)} s${result.timings.drained ? "" : " (deadline passed)"}, total ${(result.timings.totalMs / 1000).toFixed(1)} s`,
    `  ${result.passed ? "PASSED" : "FAILED"}: missing ${ledger.missing}, died on their own ${result.diedOnTheirOwn.length}`,
  ];
  for (const death of result.diedOnTheirOwn) lines.push("", `--- ${death.name} pid ${death.pid}, last output:`, death.lastOutput.slice(-3_000));
  return lines.join("\n");
}

export async function writeResult(result: ChaosResult, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
}
