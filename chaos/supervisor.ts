import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** A process that exited without the harness asking it to (SIGKILL or stop). */
export interface Death {
  readonly name: string;
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Since the run began. */
  readonly atMs: number;
  /** The end of its output: the stack that killed it, usually. */
  readonly lastOutput: string;
}

/** How a process took the SIGTERM at the end of the run. */
export interface Stop {
  readonly name: string;
  readonly pid: number;
  readonly ms: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Exited 0 within the grace period, without being killed. */
  readonly clean: boolean;
}

interface Supervised {
  readonly name: string;
  readonly command: "serve" | "worker";
  child: ChildProcess | null;
  /** Set while the harness itself kills or stops it: that exit is no death. */
  expected: boolean;
  tail: string;
}

/**
 * Runs hookgate's processes as an operator's supervisor would (systemd, Kubernetes): each a
 * `hookgate serve` or `hookgate worker` of its own, its output in `<logDir>/<name>.log`, started
 * again a second after it dies. Every exit the harness did not cause is recorded as a death.
 */
export class Supervisor {
  readonly #processes = new Map<string, Supervised>();
  readonly #deaths: Death[] = [];
  readonly #logs = new Map<string, WriteStream>();
  #stopping = false;

  constructor(
    private readonly options: {
      env: Record<string, string>;
      logDir: string;
      /** Milliseconds since the run began. */
      clock: () => number;
      log: (line: string) => void;
    },
  ) {}

  start(name: string, command: "serve" | "worker"): void {
    const entry: Supervised = this.#processes.get(name) ?? { name, command, child: null, expected: false, tail: "" };
    this.#processes.set(name, entry);
    this.#spawn(entry);
  }

  /** SIGKILL, as a crash or the OOM killer would; resolves once it is gone. */
  async kill(name: string): Promise<void> {
    const entry = this.#get(name);
    const child = entry.child;
    if (!child || exited(child)) return;
    entry.expected = true;
    const exit = once(child, "exit");
    child.kill("SIGKILL");
    await exit;
  }

  /** Starts a process the harness killed. */
  restart(name: string): void {
    const entry = this.#get(name);
    if (entry.child && !exited(entry.child)) return;
    this.#spawn(entry);
  }

  deaths(): Death[] {
    return [...this.#deaths];
  }

  /** SIGTERM to all at once, SIGKILL after `graceMs`; how each went. */
  async stopAll(graceMs: number): Promise<Stop[]> {
    this.#stopping = true;
    const stops = await Promise.all([...this.#processes.values()].map((entry) => this.#stop(entry, graceMs)));
    await Promise.all([...this.#logs.values()].map((stream) => new Promise((resolve) => stream.end(resolve))));
    return stops.flatMap((stop) => (stop ? [stop] : []));
  }

  async #stop(entry: Supervised, graceMs: number): Promise<Stop | null> {
    const child = entry.child;
    if (!child || exited(child)) return null;
    entry.expected = true;
    const started = Date.now();
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, graceMs);
    await exit;
    clearTimeout(timer);
    const stop = { name: entry.name, pid: child.pid ?? 0, ms: Date.now() - started, exitCode: child.exitCode, signal: child.signalCode };
    return { ...stop, clean: !killed && child.exitCode === 0 };
  }

  #get(name: string): Supervised {
    const entry = this.#processes.get(name);
    if (!entry) throw new Error(`no process named ${name}`);
    return entry;
  }

  /**
   * `node --import tsx src/main.ts <command>` is what `tsx src/main.ts <command>` runs, minus
   * tsx's wrapper process: the pid the harness signals is hookgate's own, so a SIGKILL leaves no
   * orphan behind.
   */
  #spawn(entry: Supervised): void {
    const inherited = Object.fromEntries(
      ["PATH", "HOME", "TMPDIR"].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
    );
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", entry.command], {
      cwd: repoRoot,
      env: { ...inherited, ...this.options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    entry.child = child;
    entry.expected = false;
    const log = this.#logOf(entry.name);
    log.write(`\n=== ${entry.name}: pid ${child.pid} started at ${(this.options.clock() / 1000).toFixed(1)} s\n`);
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      entry.tail = (entry.tail + chunk.toString()).slice(-6_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.once("error", (error) => keep(Buffer.from(`\n${error.message}\n`)));
    child.once("exit", (exitCode, signal) => {
      const atMs = this.options.clock();
      log.write(`=== ${entry.name}: pid ${child.pid} exited (${signal ?? `code ${exitCode}`}) at ${(atMs / 1000).toFixed(1)} s\n`);
      if (entry.expected) return;
      this.#deaths.push({ name: entry.name, pid: child.pid ?? 0, exitCode, signal, atMs, lastOutput: entry.tail.trim() });
      this.options.log(`${entry.name} (pid ${child.pid}) DIED ON ITS OWN (${signal ?? `code ${exitCode}`}); restarting it in 1 s`);
      if (this.#stopping) return;
      // As a supervisor would: the run goes on, and the ledger shows whether the death lost anything.
      void sleep(1_000).then(() => {
        if (!this.#stopping && entry.child === child) this.#spawn(entry);
      });
    });
  }

  #logOf(name: string): WriteStream {
    let stream = this.#logs.get(name);
    if (!stream) {
      stream = createWriteStream(path.join(this.options.logDir, `${name}.log`), { flags: "a" });
      this.#logs.set(name, stream);
    }
    return stream;
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
