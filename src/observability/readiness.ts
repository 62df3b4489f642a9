import type { Logger } from "pino";

/** What /ready answers: ready, or the first reason it is not, and each check's state. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Why not, in words an operator acts on; absent when ready. */
  readonly reason?: string;
  readonly checks: {
    readonly database: "ok" | "unreachable";
    readonly migrations: "current" | "behind" | "unknown";
    /** Absent for a process that runs no worker. */
    readonly worker?: "running" | "restarting" | "stopped";
  };
}

export interface ReadinessParts {
  /** The migrations not applied yet (one statement); throws when the database does not answer. */
  missingMigrations(): Promise<string[]>;
  /** The worker's state, for a process that runs one. */
  worker?: () => "running" | "restarting" | "stopped";
  logger: Logger;
  /** A database that has not answered within this is not ready (a black-holed network must not hang the probe). Default 2 s. */
  timeoutMs?: number;
}

/**
 * /ready: the database answers, its migrations are current and, for a process that runs one, the
 * worker is running. /health stays liveness: a process whose database is away is alive (it
 * waits for it, docs/delivery-lifecycle.md), only not ready. Changes of state are logged once,
 * with the detail the answer leaves out (the database's error may name hosts).
 */
export function createReadiness(parts: ReadinessParts): () => Promise<ReadinessReport> {
  const timeoutMs = parts.timeoutMs ?? 2_000;
  let lastReason: string | undefined;
  return async () => {
    const worker = parts.worker?.();
    let database: ReadinessReport["checks"]["database"] = "ok";
    let migrations: ReadinessReport["checks"]["migrations"] = "current";
    let reason: string | undefined;
    let detail: unknown;
    try {
      const missing = await withTimeout(parts.missingMigrations(), timeoutMs);
      if (missing.length > 0) {
        migrations = "behind";
        reason = `migrations not applied: ${missing.join(", ")} (run \`hookgate migrate\` or start a process that migrates)`;
      }
    } catch (error) {
      database = "unreachable";
      migrations = "unknown";
      reason = "the database did not answer";
      detail = error;
    }
    if (!reason && worker && worker !== "running") reason = `the delivery worker is ${worker}`;
    if (reason !== lastReason) {
      if (reason) parts.logger.warn({ err: detail, reason }, "not ready");
      else parts.logger.info("ready");
      lastReason = reason;
    }
    const checks = { database, migrations, ...(worker ? { worker } : {}) };
    return reason ? { ready: false, reason, checks } : { ready: true, checks };
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // A late answer or failure after the timeout must not be an unhandled rejection.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
