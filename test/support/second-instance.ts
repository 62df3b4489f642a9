import { expect } from "vitest";
import { startHookgate } from "../../src/app.js";
import type { TestApp } from "./test-app.js";
import { useForTests } from "./use-for-tests.js";

export interface Answer {
  status: number;
  /** The Retry-After header, or null. */
  retryAfter: string | null;
  json: any;
}

/**
 * Another API process on `app`'s database with `app`'s settings (its secret key included), as a
 * second `hookgate serve` behind a load balancer would be. Started after `app`, stopped after the
 * file's (or describe block's) tests.
 */
export function useSecondInstance(app: TestApp): { readonly url: string } {
  return useForTests(
    async () => {
      const config = { ...app.hookgate.services.config, host: "127.0.0.1", port: 0 };
      const hookgate = await startHookgate(config, { roles: { api: true, worker: false }, announce: () => {} });
      return { url: hookgate.url!, stop: () => hookgate.stop() };
    },
    (instance) => instance.stop(),
  );
}

/** A GraphQL POST to the instance at `url`, answered with its status and Retry-After. */
export async function postGraphql(
  url: string,
  query: string,
  auth: { key?: string; bearer?: string; headers?: Record<string, string> } = {},
  variables?: Record<string, unknown>,
): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json", ...auth.headers };
  if (auth.key) headers["x-api-key"] = auth.key;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  const response = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), json: await response.json() };
}

/**
 * What a request over a limit sees: 429, a Retry-After within the window, RATE_LIMITED, no data,
 * and a message naming the setting. Answers the Retry-After in seconds.
 */
export function expectLimited(answer: Answer, windowSeconds: number, setting: string): number {
  expect(answer.status, JSON.stringify(answer.json)).toBe(429);
  const retryAfter = Number(answer.retryAfter);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds, `Retry-After ${answer.retryAfter}`).toBe(true);
  expect(answer.json.data).toBeUndefined();
  expect(answer.json.errors).toHaveLength(1);
  expect(answer.json.errors[0].extensions).toEqual({ code: "RATE_LIMITED" });
  expect(answer.json.errors[0].message).toContain(setting);
  return retryAfter;
}
