import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "pino";
import { afterAll, beforeAll, expect } from "vitest";
import { type RunningHookgate, startHookgate } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Db } from "../../src/store/database.js";
import { createTestDatabase } from "./test-database.js";

export const operatorToken = "operator-token-for-tests-0123456789abcdef";

export interface GraphqlResult<Data = Record<string, any>> {
  status: number;
  data?: Data | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

export interface TestApp {
  url: string;
  db: Db;
  hookgate: RunningHookgate;
  /** The Default organization's admin key, from the first-start banner. */
  adminKey: string;
  defaultOrganizationId: string;
  /** Every response body this app sent, for the check that no secret ever leaves. */
  responses: string[];
  graphql<Data = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    auth?: { key?: string; bearer?: string; headers?: Record<string, string> },
  ): Promise<GraphqlResult<Data>>;
  /** A second organization with its own admin key, created through the operator mutation. */
  createOrganization(name: string): Promise<{ id: string; adminKey: string }>;
}

/**
 * Starts hookgate in-process on a fresh database (cloned from the migrated template) and a
 * loopback port, as `npm start` would, and stops it after the file's tests. `worker: true` also
 * runs a delivery worker in the process, as `npm start` does; API tests leave it off so nothing
 * changes the database behind their backs.
 */
export function useTestApp(
  env: Record<string, string> = {},
  options: {
    worker?: boolean;
    /** How hookgate reaches its database, e.g. through a link a test can cut. */
    databaseUrl?: (url: string) => string;
    /** Where its log goes (tests that read the log lines); default: as LOG_LEVEL says (silent). */
    logger?: Logger;
  } = {},
): TestApp {
  const app = {} as TestApp;
  const secrets = new SecretLedger();
  let dataDir = "";
  let dropDatabase = async () => {};
  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-test-"));
    const config = loadConfig({
      DATABASE_URL: options.databaseUrl?.(database.url) ?? database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      HOOKGATE_DATA_DIR: dataDir,
      HOOKGATE_SECRET_KEY: randomBytes(32).toString("base64"),
      HOOKGATE_OPERATOR_TOKEN: operatorToken,
      HOOKGATE_PUBLIC_URL: "http://localhost:4000",
      // Receivers and token endpoints in tests listen on loopback; retries come quickly.
      HOOKGATE_ALLOW_PRIVATE_TARGETS: "true",
      HOOKGATE_RETRY_SCHEDULE: "100ms,200ms,300ms",
      HOOKGATE_WORKER_POLL_INTERVAL: "50ms",
      HOOKGATE_DELIVERY_TIMEOUT: "5s",
      LOG_LEVEL: "silent",
      // Tests send many requests with one key and many wrong keys from one address; the limits'
      // own tests (test/api/limits/) turn them on.
      HOOKGATE_API_RATE_LIMIT: "off",
      HOOKGATE_AUTH_FAILURE_LIMIT: "off",
      ...env,
    });
    let banner = "";
    const hookgate = await startHookgate(config, {
      announce: (text) => (banner = text),
      roles: { api: true, worker: options.worker ?? false },
      logger: options.logger,
    });
    Object.assign(app, {
      url: hookgate.url,
      db: database.db,
      hookgate,
      adminKey: /admin API key:\s+(\S+)/.exec(banner)?.[1] ?? "",
      defaultOrganizationId: /organization id:\s+(\S+)/.exec(banner)?.[1] ?? "",
      responses: [],
    });
  });
  afterAll(async () => {
    try {
      // DESIGN.md, Secrets: whatever a file's tests did, no secret left through this app's answers.
      if (app.responses) secrets.check(app.responses, app.adminKey);
    } finally {
      await app.hookgate?.stop();
      await dropDatabase();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  });

  app.graphql = async (query, variables, auth = { key: app.adminKey }) => {
    const headers: Record<string, string> = { "content-type": "application/json", ...auth.headers };
    if (auth.key) headers["x-api-key"] = auth.key;
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    secrets.recordRequest(variables);
    const response = await fetch(`${app.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    app.responses.push(text);
    secrets.recordResponse(text, app.responses.length - 1);
    return { status: response.status, ...(JSON.parse(text) as object) };
  };

  app.createOrganization = async (name) => {
    const result = await app.graphql(
      "mutation ($name: String!) { createOrganization(name: $name) { organization { id } apiKey } }",
      { name },
      { bearer: operatorToken },
    );
    const created = result.data?.createOrganization;
    if (!created) throw new Error(`createOrganization failed: ${JSON.stringify(result.errors)}`);
    return { id: created.organization.id, adminKey: created.apiKey };
  };
  return app;
}

/**
 * What every test file checks on the way out: the client secrets it sent (in any request, also
 * refused ones) never came back, each signing secret and API key hookgate handed out came
 * back exactly once, in the response that created it, and no ED25519 secret key (whsk_) ever did.
 */
class SecretLedger {
  /** OAuth client secrets found in request variables, under `clientSecret` or doo's `client_secret`. */
  readonly clientSecrets = new Set<string>();
  /** Each `signingSecret` / `apiKey` value returned, with the responses that returned it. */
  readonly issued = new Map<string, { field: string; responses: number[] }>();

  recordRequest(variables: unknown): void {
    walk(variables, (key, value) => {
      if ((key === "clientSecret" || key === "client_secret") && typeof value === "string" && value !== "") {
        this.clientSecrets.add(value);
      }
    });
  }

  recordResponse(body: string, index: number): void {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return;
    }
    walk(json, (key, value) => {
      // An ED25519 group's signingSecret is its whpk_ public key: not a secret, shown again at will.
      if ((key === "signingSecret" || key === "apiKey") && typeof value === "string" && value !== "" && !value.startsWith("whpk_")) {
        const entry = this.issued.get(value) ?? { field: key, responses: [] };
        if (!entry.responses.includes(index)) entry.responses.push(index);
        this.issued.set(value, entry);
      }
    });
  }

  /** `bannerKey`: the key only the first-start banner shows; no response may. */
  check(responses: readonly string[], bannerKey: string): void {
    const containing = (secret: string) => {
      // As sent, or as JSON would escape it inside a string.
      const escaped = JSON.stringify(secret).slice(1, -1);
      return responses.flatMap((body, index) => (body.includes(secret) || body.includes(escaped) ? [index] : []));
    };
    // Collected first, so one failure lists every leak of the file, not just the first.
    const leaks: string[] = [];
    for (const secret of this.clientSecrets) {
      const found = containing(secret);
      if (found.length > 0) leaks.push(`client secret ${JSON.stringify(secret)} appears in responses ${found.join(", ")}`);
    }
    for (const [value, { field, responses: returnedIn }] of this.issued) {
      const found = containing(value);
      if (returnedIn.length !== 1 || found.join() !== returnedIn.join()) {
        leaks.push(`${field} ${value} was returned by response ${returnedIn.join(", ")} and appears in responses ${found.join(", ")}`);
      }
    }
    // The prefix alone may appear (the schema's descriptions name it); a key is the prefix and base64.
    const secretKeys = responses.flatMap((body, index) => (/whsk_[A-Za-z0-9+/]{16}/.test(body) ? [index] : []));
    if (secretKeys.length > 0) leaks.push(`an ED25519 secret key (whsk_) appears in responses ${secretKeys.join(", ")}`);
    const found = bannerKey ? containing(bannerKey) : [];
    if (found.length > 0) leaks.push(`the banner's admin key appears in responses ${found.join(", ")}`);
    expect(leaks, "secrets that left hookgate").toEqual([]);
  }
}

/** Calls `visit` for every (key, value) pair in a JSON-like value, at any depth. */
function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      visit(key, child);
      walk(child, visit);
    }
  }
}

/** `app.graphql` for a request that must succeed: fails the test on any error and answers `data`. */
export async function graphqlData<Data = Record<string, any>>(
  app: TestApp,
  query: string,
  variables: Record<string, unknown> = {},
  key = app.adminKey,
): Promise<Data> {
  const result = await app.graphql<Data>(query, variables, { key });
  expect(result.errors, `${query.trim().split("\n")[0]}: ${JSON.stringify(result.errors)}`).toBeUndefined();
  return result.data!;
}
