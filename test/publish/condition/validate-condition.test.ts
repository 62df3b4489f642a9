import { describe, expect, it } from "vitest";
import { checkCondition, parseCondition } from "../../../src/publish/condition/validate-condition.js";
import { inputErrorOf } from "../../support/input-error.js";

// Hook conditions (Frappe's trigger conditions, in Convoy's filter spelling) are checked when a
// group is created: each refusal names the position of what is wrong.

const at = "input.hooks[0].condition";

const refusal = (value: unknown) => inputErrorOf(() => checkCondition(value, at));

const nested = (levels: number): Record<string, unknown> =>
  levels === 1 ? { total: 1 } : { $or: [nested(levels - 1)] };

describe("checkCondition", () => {
  // [what is wrong, condition, field named, words the message must contain]
  const refusals: Array<[string, unknown, string, RegExp]> = [
    ["a list", [{ total: 1 }], at, /must be an object/],
    ["a string", '{"total": 1}', at, /must be an object/],
    ["a number", 5, at, /must be an object/],
    ["an unknown combinator", { $not: { total: 1 } }, at, /unknown combinator \$not; use \$and or \$or/],
    ["an empty $or", { $or: [] }, `${at}.$or`, /\$or must be a non-empty list/],
    ["an $and that is no list", { $and: { total: 1 } }, `${at}.$and`, /\$and must be a non-empty list/],
    ["a scalar inside $or", { $or: [{ total: 1 }, 5] }, `${at}.$or[1]`, /must be an object/],
    ["an empty condition inside $or", { $or: [{ total: 1 }, {}] }, `${at}.$or[1]`, /must not be empty/],
    [
      "an unknown operator inside $or",
      { $or: [{ status: "OPEN" }, { total: { $between: [1, 2] } }] },
      `${at}.$or[1].total`,
      /unknown operator \$between; use \$eq, \$neq, \$gt, \$gte, \$lt, \$lte, \$in, \$nin, \$exists/,
    ],
    [
      "a bad operand deep down",
      { $and: [{ status: "OPEN" }, { $or: [{ "event.title": { $gte: {} } }] }] },
      `${at}.$and[1].$or[0].event.title.$gte`,
      /number or a string/,
    ],
    ["a path with a dash", { "event-title": 1 }, at, /"event-title" is not a path/],
    ["a path with an empty name", { "event..title": 1 }, at, /"event..title" is not a path/],
    ["a path starting with a digit", { "1st": 1 }, at, /"1st" is not a path/],
    ["an empty path", { "": 1 }, at, /"" is not a path/],
    ["a path of 9 names", { "a.b.c.d.e.f.g.h.i": 1 }, at, /a\.b\.c\.d\.e\.f\.g\.h\.i is too deep: at most 8/],
    ["a nested object instead of a path", { event: { title: "A" } }, `${at}.event`, /title is not an operator.*event\.title/],
    ["no operator", { total: {} }, `${at}.total`, /at least one operator/],
    ["a list as shorthand", { tags: ["a"] }, `${at}.tags`, /string, number, boolean or null/],
    ["a list for $eq", { total: { $eq: [1] } }, `${at}.total.$eq`, /string, number, boolean or null/],
    ["an object for $neq", { total: { $neq: { a: 1 } } }, `${at}.total.$neq`, /string, number, boolean or null/],
    ["a boolean for $gt", { total: { $gt: true } }, `${at}.total.$gt`, /number or a string/],
    ["null for $lte", { total: { $lte: null } }, `${at}.total.$lte`, /number or a string/],
    ["an empty $in", { status: { $in: [] } }, `${at}.status.$in`, /non-empty list/],
    ["a string for $nin", { status: { $nin: "OPEN" } }, `${at}.status.$nin`, /non-empty list/],
    ["an object in $in", { status: { $in: ["OPEN", { a: 1 }] } }, `${at}.status.$in[1]`, /string, number, boolean or null/],
    ["101 values in $in", { total: { $in: Array.from({ length: 101 }, (_, i) => i) } }, `${at}.total.$in`, /at most 100/],
    ["a string for $exists", { removedAt: { $exists: "yes" } }, `${at}.removedAt.$exists`, /true or false/],
    ["NUL in a value", { title: "a\u0000b" }, `${at}.title`, /NUL/],
    ["NUL in a list", { title: { $in: ["ok", "a\u0000"] } }, `${at}.title.$in[1]`, /NUL/],
    ["11 levels of conditions", nested(11), `${at}${".$or[0]".repeat(10)}`, /at most 10 levels/],
    ["51 clauses", Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i])), at, /at most 50 clauses/],
    [
      "51 clauses spread over $or and operators",
      { $or: Array.from({ length: 17 }, (_, i) => ({ [`f${i}`]: { $gt: 1, $lt: 5, $neq: 3 } })) },
      at,
      /at most 50 clauses/,
    ],
    ["more than 8 KiB", { title: { $in: Array.from({ length: 90 }, (_, i) => `${i}`.padEnd(100, "x")) } }, at, /8 KiB/],
  ];

  it.each(refusals)("refuses %s, naming its position", (_, condition, field, words) => {
    const found = refusal(condition);
    expect(found.field).toBe(field);
    expect(found.message).toMatch(words);
    expect(found.message.startsWith(`${field}: `)).toBe(true);
  });

  const valid: Array<[string, unknown]> = [
    ["a shorthand scalar", { status: "OPEN" }],
    ["null as shorthand", { cancelledAt: null }],
    ["every operator", {
      total: { $gt: 1, $gte: 1, $lt: 2, $lte: 2, $eq: 1.5, $neq: "x", $in: [1, "a", true, null], $nin: [2] },
      removedAt: { $exists: false },
    }],
    ["dotted paths", { "event.title": { $in: ["A", "B"] }, "event.startDate": { $gte: "2027-06-01" } }],
    ["nested combinators", { $or: [{ total: { $gte: 100 } }, { $and: [{ "event.title": "Gala" }, { currency: "EUR" }] }] }],
    ["a path of 8 names", { "a.b.c.d.e.f.g.h": 1 }],
    ["10 levels of conditions", nested(10)],
    ["50 clauses", Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i]))],
    ["100 values in $in", { total: { $in: Array.from({ length: 100 }, (_, i) => i) } }],
    ["an empty object (always)", {}],
  ];

  it.each(valid)("accepts %s", (_, condition) => {
    expect(() => checkCondition(condition, at)).not.toThrow();
  });

  it("stores nothing for no condition and for {}, the condition as given otherwise", () => {
    expect(parseCondition(undefined, at)).toBeNull();
    expect(parseCondition(null, at)).toBeNull();
    expect(parseCondition({}, at)).toBeNull();
    const condition = { total: { $gte: 100 } };
    expect(parseCondition(condition, at)).toEqual(condition);
  });
});
