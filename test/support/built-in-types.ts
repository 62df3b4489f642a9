import { createBuiltInSchema } from "../../src/api/built-in-schema.js";
import type { BuiltInTypes } from "../../src/origin/built-in-schema.js";

/** The API's schema and query limits, as origin validation sees them; nothing is executed. */
export function builtInTypes(): BuiltInTypes {
  const { schema, limits } = createBuiltInSchema(() => {
    throw new Error("validation only: these tests run no query");
  });
  return { schema, limits };
}
