/**
 * npm run chaos [-- --quick] [--seed=<n>]
 *
 * hookgate's API and worker processes on a PostgreSQL cluster the harness owns; publications
 * offered through the API for the whole offering phase while, on a schedule drawn from the seed,
 * workers are SIGKILLed and restarted, PostgreSQL is restarted (-m immediate), the partner
 * answers 500 or stalls, and its token endpoint goes down. Then a drain phase, then the ledger:
 * printed, and written to chaos/results/<timestamp>.json (the processes' logs beside it).
 * Exits 1 when a delivery is missing or a process died on its own. See docs/chaos.md.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ApiClient } from "./api-client.js";
import { startCluster } from "./cluster.js";
import { readDatabaseReport, unfinishedDeliveries, workersBeating } from "./database-report.js";
import { runFaults, workerName } from "./faults.js";
import { balance, type Ledger } from "./ledger.js";
import { parseOptions } from "./options.js";
import { startPartner } from "./partner.js";
import { freePort } from "./ports.js";
import { full, hookgateSettings, quick, tokenLifetimeS } from "./profiles.js";
import { offerPublications } from "./publisher.js";
import { freshSeed, seededRandom } from "./random.js";
import { type ChaosResult, formatResult, passed, writeResult } from "./report.js";
import { describeFault, faultSchedule } from "./schedule.js";
import { createGroups, setUpOrganization, waitUntilHealthy } from "./setup.js";
import { Supervisor } from "./supervisor.js";
import { startTokenEndpoint } from "./token-endpoint.js";

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const profile = options.quick ? quick : full;
  const seed = options.seed ?? freshSeed();
  const schedule = faultSchedule(seededRandom(seed), profile);
  const replay = `npm run chaos --${options.quick ? " --quick" : ""} --seed=${seed}`;
  const startedAt = new Date();
  const clock0 = Date.now();
  const clock = () => Date.now() - clock0;
  const log = (line: string) => console.log(`[${(clock() / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
  const logDir = path.join(resultsDir, stamp);
  await mkdir(logDir, { recursive: true });

  log(`chaos ${profile.name} run, seed ${seed}: ${profile.publications} publications over ${profile.offeringMs / 1000} s, ${profile.workers} workers`);
  for (const fault of schedule) log(`  planned ${describeFault(fault)}`);

  const cleanup: Array<() => Promise<unknown>> = [];
  const runCleanup = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
  };
  const interrupted = () => void runCleanup().finally(() => process.exit(130));
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    const tmp = await mkdtemp(path.join(os.tmpdir(), "hookgate-chaos-"));
    cleanup.push(() => rm(tmp, { recursive: true, force: true }));
    const cluster = await startCluster(path.join(tmp, "postgres"));
    cleanup.push(() => cluster.stop());
    log(`PostgreSQL on 127.0.0.1:${cluster.port}`);

    const tokens = await startTokenEndpoint(await freePort(), tokenLifetimeS);
    cleanup.push(() => tokens.close());
    const partner = await startPartner(tokens.isValid);
    cleanup.push(() => partner.close());

    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const operatorToken = randomBytes(32).toString("base64url");
    const env: Record<string, string> = {
      ...hookgateSettings,
      DATABASE_URL: cluster.url,
      HOOKGATE_DATA_DIR: path.join(tmp, "hookgate"),
      HOOKGATE_SECRET_KEY: randomBytes(32).toString("base64"),
      HOOKGATE_OPERATOR_TOKEN: operatorToken,
      HOST: "127.0.0.1",
      PORT: String(apiPort),
      HOOKGATE_PUBLIC_URL: apiUrl,
    };
    const supervisor = new Supervisor({ env, logDir, clock, log });
    let stops: Awaited<ReturnType<Supervisor["stopAll"]>> = [];
    const stopProcesses = async () => {
      stops = await supervisor.stopAll(30_000);
    };
    cleanup.push(stopProcesses);
    // The API first: it migrates the new database. The workers load meanwhile the groups are made.
    supervisor.start("api", "serve");
    await waitUntilHealthy(apiUrl, 120_000);
    for (let i = 0; i < profile.workers; i++) supervisor.start(workerName(i), "worker");
    const organization = await setUpOrganization(apiUrl, operatorToken);
    const api = new ApiClient(apiUrl, { "x-api-key": organization.apiKey });
    cleanup.push(() => api.close());
    await createGroups(api, partner, tokens.url);
    for (const deadline = Date.now() + 120_000; (await workersBeating(cluster.url)) < profile.workers; await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`${profile.workers} workers not started within 120 s`);
    }
    log(`API and ${profile.workers} workers running (logs in ${path.relative(process.cwd(), logDir)}); offering`);

    const offeringStarted = Date.now();
    const [offering, faults] = await Promise.all([
      offerPublications(api, { count: profile.publications, overMs: profile.offeringMs, retryForMs: 60_000, runId: stamp }),
      runFaults(schedule, { supervisor, cluster, partner, tokens }, offeringStarted, log),
    ]);
    const offeringMs = Date.now() - offeringStarted;
    log(`offered ${offering.offered}, acknowledged ${offering.acknowledged.length}; draining (at most ${profile.drainMs / 1000} s)`);

    const ledgerNow = (): Ledger => balance(offering.offered, offering.acknowledged, partner.receipts());
    const drainStarted = Date.now();
    let drained = false;
    for (let round = 0; Date.now() - drainStarted < profile.drainMs; round++) {
      const { missing } = ledgerNow();
      const unfinished = missing === 0 ? await unfinishedDeliveries(cluster.url) : null;
      if (missing === 0 && unfinished === 0) {
        drained = true;
        break;
      }
      if (round % 10 === 0) log(`  missing ${missing}${unfinished === null ? "" : `, unfinished in the database ${unfinished}`}`);
      await sleep(1_000);
    }
    const drainMs = Date.now() - drainStarted;

    const diedOnTheirOwn = supervisor.deaths();
    await stopProcesses();
    const database = await readDatabaseReport(cluster.url).catch((error: unknown) => ({ error: (error as Error).message }));
    await cluster.saveLog(path.join(logDir, "postgres.log")).catch(() => {});
    const ledger = ledgerNow();
    const result: ChaosResult = {
      startedAt: startedAt.toISOString(),
      profile: profile.name,
      seed,
      replay,
      settings: { ...hookgateSettings, tokenLifetimeS: String(tokenLifetimeS) },
      ledger,
      diedOnTheirOwn,
      database,
      faults,
      stops,
      partner: { ...partner.counters(), tokensIssued: tokens.issued },
      publisher: { unacknowledged: offering.unacknowledged, failedTries: offering.failedTries },
      timings: { offeringMs, drainMs, drained, totalMs: clock() },
      logs: path.relative(process.cwd(), logDir),
      passed: passed(ledger, diedOnTheirOwn),
    };
    console.log(formatResult(result));
    const file = path.join(resultsDir, `${stamp}.json`);
    await writeResult(result, file);
    console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
    return result.passed ? 0 : 1;
  } finally {
    await runCleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
