import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { eventually } from "./eventually.js";
import { createGroup, groupInput } from "./fixtures.js";
import { useReceiver } from "./receiver.js";
import { type TestApp, useTestApp } from "./test-app.js";

const repository = path.resolve(import.meta.dirname, "../..");

export type Ending = { code: number | null; signal: NodeJS.Signals | null };

export interface WorkerProcess {
  child: ChildProcess;
  /** The worker's heartbeat row: how it shows it is running, and what must go once it is dead. */
  heartbeatId: string;
  output: () => string;
  /** Sends a signal to the worker's process alone (as `kill <pid>` or a container runtime would) or to its whole group. */
  signal(signal: NodeJS.Signals, to: "leader" | "group"): void;
  /** Resolves once the worker and anything it started in its group are gone. */
  stopped(): Promise<Ending>;
  /** Signals the whole group and waits until it is gone. */
  kill(signal: NodeJS.Signals): Promise<Ending>;
}

/**
 * Real `hookgate worker` processes against `app`'s database, for the file's tests; whatever a test
 * did, none outlives it (they would take the next test's jobs).
 */
export function useWorkerProcesses(app: TestApp) {
  let dataDir = "";
  const children: WorkerProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-workers-"));
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill("SIGKILL")));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const heartbeats = () => app.db.selectFrom("worker_heartbeats").select(["id", "graphile_worker_ids"]).execute();

  /**
   * `npx hookgate worker` against the test database, ready once its heartbeat row appears: what
   * `npm run worker` runs too (bin/hookgate.js, one node process with tsx's loader inside), or, with
   * `via: "npm"`, `npm run worker` itself, as a container's command would be.
   */
  async function start(env: Record<string, string> = {}, via: "bin" | "npm" = "bin"): Promise<WorkerProcess> {
    const before = new Set((await heartbeats()).map((row) => row.id));
    const { DATABASE_URL: _server, ...inherited } = process.env;
    const [command, args] = via === "npm" ? ["npm", ["run", "--silent", "worker"]] : [process.execPath, ["bin/hookgate.js", "worker"]];
    const child = spawn(command, args, {
      cwd: repository,
      env: {
        ...inherited,
        DATABASE_URL: app.hookgate.services.databaseUrl,
        HOOKGATE_SECRET_KEY: app.hookgate.services.config.secretKey!,
        HOOKGATE_ALLOW_PRIVATE_TARGETS: "true",
        HOOKGATE_WORKER_STALE_AFTER: "3s",
        HOOKGATE_WORKER_POLL_INTERVAL: "100ms",
        HOOKGATE_RETRY_SCHEDULE: "100ms,200ms",
        HOOKGATE_DATA_DIR: dataDir,
        // info: the line a stopping worker writes is how a test sees that a signal was handled.
        LOG_LEVEL: "info",
        ...env,
      },
      // Its own process group, as a terminal or a container gives it: a test can signal the group.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<Ending>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    const signal = (name: NodeJS.Signals, to: "leader" | "group") => {
      if (!child.pid) return;
      try {
        process.kill(to === "group" ? -child.pid : child.pid, name);
      } catch {
        // already gone
      }
    };
    const stopped = async () => {
      const ending = await exited;
      if (child.pid) await groupGone(child.pid);
      return ending;
    };
    const kill = (name: NodeJS.Signals) => {
      signal(name, "group");
      return stopped();
    };
    const worker: WorkerProcess = { child, heartbeatId: "", output: () => output, signal, stopped, kill };
    children.push(worker);

    const ready = await eventually(
      async () => ({
        exited: child.exitCode !== null || child.signalCode !== null,
        fresh: (await heartbeats()).find((row) => !before.has(row.id)),
      }),
      ({ exited, fresh }) => exited || fresh !== undefined,
      { timeoutMs: 60_000, intervalMs: 100, what: "heartbeat of the new worker" },
    ).catch((error: unknown) => {
      throw new Error(`the worker was not ready within 60 s:\n${output}`, { cause: error });
    });
    if (!ready.fresh) throw new Error(`the worker exited before it was ready:\n${output}`);
    worker.heartbeatId = ready.fresh.id;
    return worker;
  }

  const delivery = (id: string) =>
    app.db.selectFrom("deliveries").select(["id", "status", "attempt_count", "payload", "finished_at"]).where("id", "=", id).executeTakeFirstOrThrow();

  return {
    start,
    heartbeats,
    delivery,
    waitForDelivery: (id: string, status: string, timeoutMs: number) =>
      eventually(() => delivery(id), (row) => row.status === status, { timeoutMs, intervalMs: 100, what: `delivery ${id} ${status}` }),
    attempts: (id: string) =>
      app.db.selectFrom("delivery_attempts").select(["number", "response_status", "error"]).where("delivery_id", "=", id).orderBy("number").execute(),
  };
}

/**
 * What the files that run worker processes share: the API in this process without a worker, a
 * receiver, one group whose EVENT_CREATED hook posts to it (`group.id`, set before the tests), and
 * the workers.
 */
export function useWorkersOnOneGroup() {
  const app = useTestApp({}, { worker: false });
  const receiver = useReceiver();
  const workers = useWorkerProcesses(app);
  const group = { id: "" };
  beforeAll(async () => {
    const input = groupInput({ hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/hooks` }], authentication: undefined });
    group.id = (await createGroup(app, input)).webhookGroup.id as string;
  });
  return { app, receiver, workers, group };
}

/** Waits until no process of the group is left (a wrapper may exit before the node it started). */
async function groupGone(pgid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    await eventually(alive, (running) => !running, { timeoutMs: 30_000, what: `end of process group ${pgid}` });
  } catch (error) {
    process.kill(-pgid, "SIGKILL");
    throw new Error(`process group ${pgid} was still running 30 s after its leader exited`, { cause: error });
  }
}
