import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ProcessCounts } from "./count-statements.js";
import type { DbStats } from "./db-stats.js";
import { startBenchWorker, type BenchWorker } from "./hookgate.js";
import type { ScenarioContext } from "./measurement.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const preload = new URL("./count-statements.ts", import.meta.url).href;

/** What the workers of one scenario cost: statements sent, and their CPU when they ran in processes of their own. */
export interface WorkerCosts {
  statements: number;
  /** null for the in-process worker: its CPU is the bench process's, measured by the scenario. */
  cpuMs: number | null;
  /** Statements per worker process, to show the work was shared; empty in process. */
  perProcess: number[];
}

/** The workers of one scenario: `start` makes them deliver; `stop` finishes the deliveries in hand and reports. */
export interface BenchWorkers {
  start(): Promise<void>;
  stop(): Promise<WorkerCosts>;
}

/**
 * --workers=1: hookgate's worker in this process (hookgate.ts). --workers=N > 1: N `hookgate worker`
 * processes (src/main.ts worker), spawned, their modules loaded, held until `start`.
 */
export async function prepareWorkers(ctx: Pick<ScenarioContext, "setup" | "stats" | "workers">): Promise<BenchWorkers> {
  if (ctx.workers.count === 1) {
    let worker: BenchWorker | undefined;
    return {
      async start() {
        worker = await startBenchWorker(ctx.setup);
      },
      async stop() {
        await worker?.stop();
        return { statements: worker?.counting.statements ?? 0, cpuMs: null, perProcess: [] };
      },
    };
  }
  return spawnWorkerProcesses(ctx.workers.env, ctx.workers.count, ctx.stats);
}

/** What a set of workers costs starting, idling 300 ms and stopping; each scenario subtracts it. */
export async function idleWorkerCosts(ctx: Pick<ScenarioContext, "setup" | "stats" | "workers">): Promise<WorkerCosts> {
  const workers = await prepareWorkers(ctx);
  await workers.start();
  await sleep(300);
  return workers.stop();
}

interface WorkerProcess {
  child: ChildProcess;
  countsFile: string;
  /** The last few KB of its output, for a failure's message. */
  output(): string;
}

async function spawnWorkerProcesses(env: Record<string, string>, count: number, stats: DbStats): Promise<BenchWorkers> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "hookgate-bench-workers-"));
  const processes: WorkerProcess[] = [];
  const stopAll = async () => {
    const stopped = await Promise.allSettled(processes.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
    return stopped.map((result) => {
      if (result.status === "rejected") throw result.reason;
      return result.value;
    });
  };
  try {
    for (let i = 0; i < count; i++) processes.push(spawnWorker(env, path.join(dir, `worker-${i}.json`)));
    await Promise.all(processes.map((p) => untilMessage(p, "loaded", 120_000)));
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
  return {
    async start() {
      for (const p of processes) p.child.send("go");
      // Started when each has written its heartbeat, which startWorker does once graphile-worker runs.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [row] = await stats.query<{ n: number }>("select count(*)::int as n from worker_heartbeats");
        if ((row?.n ?? 0) >= count) return;
        const exited = processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
        if (exited) throw new Error(`worker process ${exited.child.pid} exited while starting: ${exited.output()}`);
        if (Date.now() > deadline) throw new Error(`${count} worker processes not started within 60 s`);
        await sleep(25);
      }
    },
    async stop() {
      const costs = await stopAll();
      return {
        statements: costs.reduce((sum, c) => sum + c.statements, 0),
        cpuMs: costs.reduce((sum, c) => sum + c.cpuMs, 0),
        perProcess: costs.map((c) => c.statements),
      };
    },
  };
}

/**
 * `node --import tsx src/main.ts worker` is what `tsx src/main.ts worker` runs, without tsx's
 * wrapper process: the pid signalled is the worker's own, and the bench's preload goes in too.
 * Its environment is the one the in-process parts load their Config from, plus PATH, HOME and
 * TMPDIR; nothing else of the bench's is inherited.
 */
function spawnWorker(env: Record<string, string>, countsFile: string): WorkerProcess {
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "TMPDIR"].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "--import", preload, "src/main.ts", "worker"], {
    cwd: repoRoot,
    env: { ...inherited, ...env, HOOKGATE_BENCH_COUNTS_FILE: countsFile },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.on("error", (error) => keep(Buffer.from(`\n${error.message}`)));
  return { child, countsFile, output: () => output.trim() };
}

function untilMessage(p: WorkerProcess, message: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => m === message && done();
    const onExit = () => done(new Error(`worker process ${p.child.pid} exited before "${message}": ${p.output()}`));
    const timer = setTimeout(() => done(new Error(`worker process ${p.child.pid}: no "${message}" within ${timeoutMs} ms`)), timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(timer);
      p.child.off("message", onMessage).off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    p.child.on("message", onMessage).on("exit", onExit);
  });
}

/** SIGTERM (the worker finishes the deliveries in hand, then exits), then its counts. */
async function stopProcess(p: WorkerProcess): Promise<ProcessCounts> {
  const { child } = p;
  if (child.exitCode === null && child.signalCode === null) {
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    await exit;
    clearTimeout(timer);
  }
  if (child.exitCode !== 0) throw new Error(`worker process ${child.pid} exited with ${child.exitCode ?? child.signalCode}: ${p.output()}`);
  return JSON.parse(await readFile(p.countsFile, "utf8")) as ProcessCounts;
}
