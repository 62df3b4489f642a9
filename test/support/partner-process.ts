import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach } from "vitest";
import { eventually } from "./eventually.js";

const root = path.resolve(import.meta.dirname, "../..");

/** One line `hookgate partner --json` printed for a request (or its start). */
export type PartnerLine = Record<string, any>;

export interface PartnerProcess {
  child: ChildProcess;
  /** Where it listens, from its first line: `http://127.0.0.1:<port>`. */
  base: string;
  tokenEndpoint: string;
  /** The client secret it accepts (given, or generated and printed). */
  clientSecret: string;
  /** Every line printed so far (text as printed; for --json, each also parsed in `records`). */
  lines(): string[];
  records(): PartnerLine[];
  stderr(): string;
  /** The first `count` lines accepted by `match`, once they have been printed. */
  waitFor(match: (record: PartnerLine) => boolean, count?: number, timeoutMs?: number): Promise<PartnerLine[]>;
  /** The first `count` printed lines accepted by `match` (readable output), once printed. */
  waitForLines(match: (line: string) => boolean, count?: number, timeoutMs?: number): Promise<string[]>;
  /** SIGTERM, and the exit code or signal once it is gone. */
  stop(): Promise<number | string>;
}

/**
 * `node bin/hookgate.js partner --json <args>`, what `npx hookgate partner` runs, as a process of its
 * own; resolves once it printed where it listens. `json: false` leaves --json out (the readable lines).
 */
export async function startPartner(args: string[], { json = true } = {}): Promise<PartnerProcess> {
  const child = spawn(process.execPath, ["bin/hookgate.js", "partner", ...(json ? ["--json"] : []), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal!)));
  const lines = () => stdout.split("\n").slice(0, -1);
  const records = () => (json ? lines().map((line) => JSON.parse(line) as PartnerLine) : []);

  const started = await eventually(
    () => ({ text: stdout, exited: child.exitCode !== null }),
    (state) => state.exited || (json ? state.text.includes("\n") : state.text.includes("One line per request follows.")),
    { timeoutMs: 60_000, intervalMs: 50, what: "the partner's start" },
  );
  if (started.exited) throw new Error(`the partner exited at start:\n${stderr}`);
  const listening = json
    ? records()[0]!
    : {
        receiverUrl: `${/listening on (\S+)/.exec(stdout)![1]}/`,
        tokenEndpoint: /token endpoint:\s+(\S+)/.exec(stdout)![1],
        clientSecret: /client secret:\s+(\S+)/.exec(stdout)![1],
      };
  return {
    child,
    base: (listening.receiverUrl as string).replace(/\/$/, ""),
    tokenEndpoint: listening.tokenEndpoint as string,
    clientSecret: listening.clientSecret as string,
    lines,
    records,
    stderr: () => stderr,
    async waitFor(match, count = 1, timeoutMs = 30_000) {
      const found = await eventually(
        () => records().filter(match),
        (matching) => matching.length >= count,
        { timeoutMs, what: `${count} matching partner line(s); lines so far:\n${stdout}` },
      );
      return found.slice(0, count);
    },
    async waitForLines(match, count = 1, timeoutMs = 30_000) {
      const found = await eventually(
        () => lines().filter(match),
        (matching) => matching.length >= count,
        { timeoutMs, what: `${count} matching partner line(s); lines so far:\n${stdout}` },
      );
      return found.slice(0, count);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** `startPartner` for a file's tests: every partner a test started is stopped after that test. */
export function usePartners(): typeof startPartner {
  const running: PartnerProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((partner) => partner.stop()));
  });
  return async (args, options) => {
    const partner = await startPartner(args, options);
    running.push(partner);
    return partner;
  };
}
