/**
 * Preloaded (node --import) into each `hookgate worker` process the bench starts for --workers:
 *
 * - counts the statements every pg client of the process sends (the pool's, graphile-worker's and
 *   kysely's alike, as hookgate.ts's counting pool does for the in-process worker), and at exit
 *   writes them with the process's CPU time to HOOKGATE_BENCH_COUNTS_FILE. CPU counts from the
 *   first statement: loading and compiling the modules (≈3.5 s here) comes before it, and the
 *   in-process worker does not pay that inside its window either;
 * - loads hookgate's modules, says "loaded" over the IPC channel and waits for "go" before
 *   src/main.ts runs, so N processes start working together instead of the first one loaded
 *   draining a backlog alone while the others still compile.
 */
import { writeFileSync } from "node:fs";
import { once } from "node:events";
import pg from "pg";

export interface ProcessCounts {
  statements: number;
  cpuMs: number;
}

const file = process.env.HOOKGATE_BENCH_COUNTS_FILE;
if (file) {
  let statements = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    cpu0 ??= process.cpuUsage();
    statements += 1;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  process.on("exit", () => {
    const cpu = process.cpuUsage(cpu0);
    const counts: ProcessCounts = { statements, cpuMs: (cpu.user + cpu.system) / 1000 };
    writeFileSync(file, JSON.stringify(counts));
  });
}

if (process.send) {
  // The same module instances src/main.ts imports next: it finds them loaded.
  await import("../src/cli/cli.js");
  process.send("loaded");
  await once(process, "message");
  process.disconnect();
}
