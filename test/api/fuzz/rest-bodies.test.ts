import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultCase, graphqlCase } from "../../support/doo-seed-examples.js";
import { restClient } from "../../support/rest-client.js";
import { tableCounts } from "../../support/table-counts.js";
import { useTestApp } from "../../support/test-app.js";
import { fuzzSeed, hostileString, hostileValue, pathsOf, withValueAt } from "./hostile-values.js";

const app = useTestApp();
const { call } = restClient(app);
const webhooksPath = () => `/v1/team/${app.defaultOrganizationId}/webhooks`;

const run = { seed: fuzzSeed, numRuns: 80, endOnFailure: true } as const;

/**
 * What every answer keeps: doo's envelope, never a 5xx; a refusal changes no table and names
 * the field at fault in doo's names.
 */
async function holds(body: string): Promise<void> {
  const before = await tableCounts(app.db);
  const answer = await call("POST", webhooksPath(), { body });
  expect(answer.status, answer.text).toBeLessThan(500);
  expect(answer.json?.response_status, answer.text).toBe(answer.status);
  if (answer.status === 200) return;
  expect(answer.json.code, answer.text).toMatch(/^(BAD_USER_INPUT|BAD_REQUEST)$/);
  expect(await tableCounts(app.db), answer.text).toEqual(before);
}

const seeds = [JSON.parse(defaultCase) as Record<string, unknown>, JSON.parse(graphqlCase) as Record<string, unknown>];

describe("fuzzing doo's REST bodies: no internal error, and a refusal writes nothing", () => {
  it("a seed body with one place, at any depth, set to anything or removed", async () => {
    const edited = fc.constantFrom(...seeds).chain((seed) =>
      fc.tuple(fc.constantFrom(...pathsOf(seed)), fc.option(hostileValue, { nil: undefined, freq: 8 })).map(([path, value]) => withValueAt(seed, path, value)),
    );
    await fc.assert(fc.asyncProperty(edited, async (body) => holds(JSON.stringify(body))), run);
  });

  // Dropped silently, an unknown field changed what a group does (a condition ignored): each is refused.
  it("a seed body with a field it does not have added anywhere is refused, never accepted without it", async () => {
    const documented = new Set(["name", "description", "event_id", "event_guide_id", "hooks", "authentication", "type", "method", "endpoint", "origin", "body", "grant_type", "credentials", "client_id", "client_secret", "header_format", "header_value_format"]);
    const added = fc.constantFrom(...seeds).chain((seed) =>
      fc.tuple(fc.constantFrom([] as Array<string | number>, ...pathsOf(seed)), hostileString, hostileValue).map(([path, key, value]) => {
        const body = structuredClone(seed);
        const place = path.reduce<unknown>((at, step) => (at as Record<string | number, unknown>)[step], body);
        const object = place !== null && typeof place === "object" && !Array.isArray(place) ? (place as Record<string, unknown>) : null;
        const unknown = object !== null && !Object.hasOwn(object, key) && !documented.has(key) && !(path.length === 0 && (key === "id" || key === "_links"));
        if (object) object[key] = value;
        return { body, unknown };
      }),
    );
    await fc.assert(
      fc.asyncProperty(added, async ({ body, unknown }) => {
        const before = await tableCounts(app.db);
        await holds(JSON.stringify(body));
        if (unknown) expect(await tableCounts(app.db)).toEqual(before);
      }),
      run,
    );
  });

  it("bodies that are not the AddWebhook object, or not JSON at all", async () => {
    const anyBody = fc.oneof(
      hostileValue.map((value) => JSON.stringify(value) ?? "null"),
      hostileString,
      fc.constantFrom(defaultCase.slice(0, 100), "\ufeff" + defaultCase, `${defaultCase}garbage`),
    );
    await fc.assert(fc.asyncProperty(anyBody, holds), run);
  });
});
