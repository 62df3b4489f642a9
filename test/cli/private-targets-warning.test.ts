import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { freePort } from "../support/free-port.js";
import { useEmptyDatabasePerTest } from "../support/hookgate-cli.js";
import { useReceiver } from "../support/receiver.js";

// `npm start` as an operator runs it, in a container (NODE_ENV=production) and on a laptop (no
// NODE_ENV): the first refuses private targets and says nothing about them; the second allows them
// and says so in exactly one warning line, naming the setting that turns them off. What each
// allows is checked through an allow-listed origin on loopback, previewed with the first-start key.
const newDatabase = useEmptyDatabasePerTest();
const origin = useReceiver();
const originAnswer = { data: { event: { title: "from loopback" } } };

interface LogLine {
  level: number;
  msg: string;
}

interface Started {
  /** Its JSON log lines (stderr). */
  lines: LogLine[];
  /** What previewHookPayload answered for an origin on loopback. */
  preview: { payload: unknown; errors: string[] };
}

/** `npm start` until it listens, a preview through it, then SIGTERM. */
async function start(env: Record<string, string>): Promise<Started> {
  origin.answerAlways({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(originAnswer) });
  const database = await newDatabase();
  const port = await freePort();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...database.env,
      LOG_LEVEL: "info",
      PORT: String(port),
      HOOKGATE_ORIGIN_ALLOWLIST: `${origin.url}/graphql`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: npm, sh, tsx and node stop together.
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  try {
    await eventually(
      () => ({ listening: stderr.includes("hookgate is listening"), exited: child.exitCode !== null }),
      (state) => state.listening || state.exited,
      { timeoutMs: 60_000, intervalMs: 200, what: "hookgate listening" },
    );
    if (!stderr.includes("hookgate is listening")) throw new Error(`hookgate did not start:\n${stderr}`);
    const key = /admin API key:\s+(\S+)/.exec(stdout)?.[1] ?? "";
    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key },
        body: JSON.stringify({ query, variables }),
      });
      const result = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data!;
    };
    const event = await graphql(`mutation ($input: CreateEventInput!) { createEvent(input: $input) { id } }`, {
      input: { title: "Summer Fest", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" },
    });
    const body = JSON.stringify({ variables: { id: "%EVENT_ID%" }, query: "query ($id: ID!) { event(id: $id) { title } }" });
    const preview = await graphql(`query ($input: PreviewHookPayloadInput!) { previewHookPayload(input: $input) { payload errors } }`, {
      input: { hookType: "EVENT_UPDATED", eventId: event.createEvent.id, origin: { endpoint: `${origin.url}/graphql`, body } },
    });
    const lines = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as LogLine);
    return { lines, preview: preview.previewHookPayload };
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}

const pinoWarn = 40;
const mentionsPrivateTargets = (line: LogLine) => line.msg.includes("private targets");

describe("npm start and private targets", () => {
  it("without NODE_ENV allows them and warns once, saying how to refuse them", async () => {
    const { lines, preview } = await start({});
    expect(preview).toEqual({ payload: originAnswer, errors: [] });
    const warnings = lines.filter(mentionsPrivateTargets);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe(pinoWarn);
    expect(warnings[0]!.msg).toContain("HOOKGATE_ALLOW_PRIVATE_TARGETS=false");
  });

  it("with NODE_ENV=production refuses them and says nothing about them", async () => {
    const before = origin.requests.length;
    const { lines, preview } = await start({ NODE_ENV: "production" });
    expect(preview.payload).toBeNull();
    expect(preview.errors.join()).toMatch(/refused to connect to 127\.0\.0\.1 \(loopback address\)/);
    expect(origin.requests.length).toBe(before);
    expect(lines.filter(mentionsPrivateTargets)).toEqual([]);
  });

  it("with NODE_ENV=production and HOOKGATE_ALLOW_PRIVATE_TARGETS=true allows them and warns once", async () => {
    const { lines, preview } = await start({ NODE_ENV: "production", HOOKGATE_ALLOW_PRIVATE_TARGETS: "true" });
    expect(preview).toEqual({ payload: originAnswer, errors: [] });
    expect(lines.filter(mentionsPrivateTargets)).toHaveLength(1);
  });
});
