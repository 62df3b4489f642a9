import fc from "fast-check";

/** The seed every property runs with, so a failure found once is found again. */
export const fuzzSeed = 20261205;

/** Characters that break things: lone surrogates, NUL and other controls, quotes, escapes, RTL, emoji halves. */
const trouble = fc.constantFrom("\ud800", "\udfff", "\ud83d", "\u0000", "\u0007", "\r\n", '"', "\\", "%ACCESS_TOKEN%", "%EVENT_ID%", "\u202e", "🎉", "\ufeff", "{", "$");

/** Strings of every kind: plain, any code point (surrogate halves included), and salted with trouble. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), trouble), maxLength: 40 }),
  fc.constantFrom("", " ", "x".repeat(5000), "https://partner.example/hooks", "not a url", "00000000-0000-0000-0000-000000000000"),
);

/** Numbers JSON can carry, and the edges of GraphQL's Int and Float. */
export const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31) - 1, 98765432123, Number.MAX_SAFE_INTEGER, 1e308, 5e-324),
);

/** `{"a": {"a": … 1 }}` `depth` levels deep, around the 64-level limit and far past it. */
export const deepJson = fc.oneof(fc.integer({ min: 60, max: 70 }), fc.constantFrom(1000, 2000)).map((depth) => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? { a: value } : [value];
  return value;
});

/** Any JSON value, its strings and keys hostile too. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber, fc.constant(null)), { maxKeys: 4 }) },
  { weight: 1, arbitrary: deepJson },
);

/** Whatever a client could put where a value goes. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: hostileJson },
);

/** `value` with the place at `path` (keys and indexes) set to `replacement`, or deleted when it is undefined. */
export function withValueAt<T>(value: T, path: ReadonlyArray<string | number>, replacement: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const child = parent[key];
    if (child === null || typeof child !== "object") return copy as T;
    parent = child as Record<string | number, unknown>;
  }
  const last = path.at(-1)!;
  if (replacement === undefined) delete parent[last];
  else parent[last] = replacement;
  return copy as T;
}

/** Every path of a JSON value's places, objects and arrays included. */
export function pathsOf(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = path.length > 0 ? [path] : [];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...path, index])));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...path, key]));
  }
  return paths;
}
