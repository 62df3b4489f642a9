import type { TestApp } from "./test-app.js";

export interface RestResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface RestOptions {
  /** x-api-key; the app's admin key unless given (null: none). */
  key?: string | null;
  bearer?: string;
  /** Sent as it is when a string (the seeds are replayed as text), else JSON-encoded. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Real HTTP against the app's /v1 routes, as a doo client calls them. Every answer is recorded
 * in `app.responses` (so the file's secret check sees it) and in `texts` for the tests' own checks.
 */
export function restClient(app: TestApp) {
  const texts: string[] = [];
  const call = async (method: string, path: string, options: RestOptions = {}): Promise<RestResult> => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? app.adminKey : options.key;
    if (key) headers["x-api-key"] = key;
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${app.url}${path}`, { method, headers, body });
    const text = await response.text();
    app.responses.push(text);
    texts.push(text);
    return { status: response.status, headers: response.headers, text, json: text === "" ? undefined : JSON.parse(text) };
  };
  return { call, texts };
}

export function countGroups(app: TestApp) {
  return app.db
    .selectFrom("webhook_groups")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow()
    .then(({ n }) => Number(n));
}
