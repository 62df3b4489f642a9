import { expect } from "vitest";
import type { GraphqlResult } from "./test-app.js";

/**
 * The answer is one error, with `code` in its extensions (and `field`, which only input errors
 * carry) and nothing else there; whatever field failed answers null, so no data leaks beside
 * the error; and an input error's message names the field (its last segment is enough for a
 * person to find it).
 */
export function expectError(result: GraphqlResult, code: string, field?: string): void {
  const shown = JSON.stringify(result);
  expect(result.errors, shown).toHaveLength(1);
  const error = result.errors![0]!;
  expect(error.extensions, shown).toEqual(field === undefined ? { code } : { code, field });
  expect(Object.values(result.data ?? {}).every((value) => value === null), `no data beside the error: ${shown}`).toBe(true);
  if (field !== undefined) expect(error.message).toContain(field.split(".").at(-1)!);
}
