import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type RunningHookgate, startHookgate } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Db } from "../../src/store/database.js";
import { createTestDatabase } from "./test-database.js";

export const operatorToken = "operator-token-for-tests";

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
 * loopback port, as `npm start` would, and stops it after the file's tests.
 */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  const app = {} as TestApp;
  let dataDir = "";
  let dropDatabase = async () => {};
  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    dataDir = await mkdtemp(path.join(tmpdir(), "hookgate-test-"));
    const config = loadConfig({
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      HOOKGATE_DATA_DIR: dataDir,
      HOOKGATE_SECRET_KEY: randomBytes(32).toString("base64"),
      HOOKGATE_OPERATOR_TOKEN: operatorToken,
      HOOKGATE_PUBLIC_URL: "http://localhost:4000",
      LOG_LEVEL: "silent",
      ...env,
    });
    let banner = "";
    const hookgate = await startHookgate(config, { announce: (text) => (banner = text) });
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
    await app.hookgate?.stop();
    await dropDatabase();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  app.graphql = async (query, variables, auth = { key: app.adminKey }) => {
    const headers: Record<string, string> = { "content-type": "application/json", ...auth.headers };
    if (auth.key) headers["x-api-key"] = auth.key;
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    const response = await fetch(`${app.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    app.responses.push(text);
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
