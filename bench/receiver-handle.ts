import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Arrival, ReceiverRequest, ReceiverStats } from "./receiver-process.js";

/** The parent's side of receiver-process.ts: starts it and asks it things over IPC. */
export interface ReceiverHandle {
  /** e.g. http://127.0.0.1:41234; append /ok, /slow or /flaky. */
  readonly url: string;
  readonly pid: number;
  stats(): Promise<ReceiverStats>;
  arrivals(): Promise<Map<string, { first: number; requests: number; ok: number }>>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReceiverProcess(): Promise<ReceiverHandle> {
  const entry = fileURLToPath(new URL("./receiver-process.ts", import.meta.url));
  // execArgv is inherited: under tsx the child loads TypeScript the same way.
  const child: ChildProcess = fork(entry, [], {
    env: { ...process.env, HOOKGATE_BENCH_RECEIVER: "1" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    serialization: "advanced",
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: { ready?: string }) => {
      if (message.ready) {
        child.off("exit", onExit);
        resolve(message.ready);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`the receiver process exited (${code}) before listening`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });

  let nextId = 1;
  const pending = new Map<number, (body: unknown) => void>();
  child.on("message", (message: { id?: number; body?: unknown }) => {
    if (message.id === undefined) return;
    pending.get(message.id)?.(message.body);
    pending.delete(message.id);
  });
  const ask = <T>(type: ReceiverRequest["type"]): Promise<T> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (body: unknown) => void);
      child.send({ id, type });
    });

  return {
    url,
    pid: child.pid ?? 0,
    stats: () => ask<ReceiverStats>("stats"),
    async arrivals() {
      const list = await ask<Arrival[]>("arrivals");
      return new Map(list.map(([id, first, requests, ok]) => [id, { first, requests, ok }]));
    },
    reset: () => ask<boolean>("reset").then(() => undefined),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.disconnect();
      }),
  };
}
