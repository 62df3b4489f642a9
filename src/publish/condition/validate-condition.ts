import { InputError } from "../../errors.js";
import { unstorableStringAt } from "../../store/storable-text.js";

/**
 * A hook's condition (Frappe's trigger conditions, in Convoy's filter spelling): a filter over the
 * publication's subject — the event or order as the API shows it, or publishEvent's data —
 * evaluated in SQL at publish time by `hookgate_condition_matches` (migrations/0005_conditions.ts).
 *
 *   condition := { key: value, … }                 every entry must hold (an implicit $and)
 *   key       := "$and" | "$or"                    value: a non-empty list of conditions
 *              | dotted path                       `total`, `event.title`: segments [A-Za-z_][A-Za-z0-9_]*, at most 8
 *   value     := scalar                            shorthand for { "$eq": scalar }
 *              | { operator: operand, … }          every operator must hold
 *   operator  := $eq $neq                          any scalar (string, number, boolean, null)
 *              | $gt $gte $lt $lte                 a number or a string (ISO dates compare as instants)
 *              | $in $nin                          a non-empty list of at most 100 scalars
 *              | $exists                           true or false
 *
 * Limits: at most 8 KiB of JSON, $and/$or nested at most 10 conditions deep, at most 50 clauses
 * (a clause is one comparison: one operator, or one shorthand scalar).
 */
export const conditionLimits = { bytes: 8 * 1024, depth: 10, clauses: 50, pathSegments: 8, listItems: 100 } as const;

export const comparisonOperators = ["$eq", "$neq", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

const segment = /^[A-Za-z_][A-Za-z0-9_]*$/;
const operatorList = comparisonOperators.join(", ");

/**
 * Checks a condition as given in `HookInput.condition` and throws an InputError whose field is
 * the exact position of the first problem, e.g. `input.hooks[0].condition.$or[1].total`.
 */
export function checkCondition(value: unknown, field: string): void {
  if (!isObject(value)) throw new InputError(field, `must be an object of conditions, e.g. {"total": {"$gte": 100}}`);
  const state = { clauses: 0, field };
  checkObject(value, field, 1, state);
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json, "utf8") > conditionLimits.bytes) throw new InputError(field, "must be at most 8 KiB of JSON");
}

/**
 * The condition to store: null for no condition (absent, null, or `{}`, which matches every
 * change), otherwise the checked value as given.
 */
export function parseCondition(value: unknown, field: string): unknown | null {
  if (value === null || value === undefined) return null;
  checkCondition(value, field);
  return Object.keys(value as object).length === 0 ? null : value;
}

interface State {
  clauses: number;
  /** The whole condition's field, where limits that concern all of it are reported. */
  field: string;
}

function checkObject(condition: Record<string, unknown>, field: string, depth: number, state: State): void {
  if (depth > conditionLimits.depth) {
    throw new InputError(field, `$and/$or nest too deep: at most ${conditionLimits.depth} levels of conditions`);
  }
  for (const [key, value] of Object.entries(condition)) {
    if (key === "$and" || key === "$or") checkList(key, value, `${field}.${key}`, depth, state);
    else if (key.startsWith("$")) {
      throw new InputError(field, `unknown combinator ${quoteKey(key)}; use $and or $or, or a dotted path such as event.title`);
    } else checkPath(key, value, field, state);
  }
}

function checkList(key: string, value: unknown, field: string, depth: number, state: State): void {
  if (!Array.isArray(value) || value.length === 0) throw new InputError(field, `${key} must be a non-empty list of conditions`);
  value.forEach((item: unknown, index) => {
    const itemField = `${field}[${index}]`;
    if (!isObject(item)) throw new InputError(itemField, `must be an object of conditions, e.g. {"total": {"$gte": 100}}`);
    // {} would match everything: inside $or it would make the whole $or always true.
    if (Object.keys(item).length === 0) throw new InputError(itemField, "must not be empty");
    checkObject(item, itemField, depth + 1, state);
  });
}

function checkPath(key: string, value: unknown, parentField: string, state: State): void {
  const segments = key.split(".");
  if (!segments.every((part) => segment.test(part))) {
    throw new InputError(
      parentField,
      `${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)} is not a path: use names of letters, digits and _ joined by dots, e.g. event.title`,
    );
  }
  if (segments.length > conditionLimits.pathSegments) {
    throw new InputError(parentField, `path ${key} is too deep: at most ${conditionLimits.pathSegments} names`);
  }
  const field = `${parentField}.${key}`;
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) throw new InputError(field, `give at least one operator (${operatorList})`);
    for (const [operator, operand] of entries) {
      if (!(comparisonOperators as readonly string[]).includes(operator)) {
        throw new InputError(
          field,
          operator.startsWith("$")
            ? `unknown operator ${quoteKey(operator)}; use ${operatorList}`
            : `${quoteKey(operator)} is not an operator (${operatorList}); to match a nested field use its dotted path, e.g. ${key}.${segment.test(operator) ? operator : "name"}`,
        );
      }
      countClause(state);
      checkOperand(operator as ComparisonOperator, operand, `${field}.${operator}`);
    }
  } else {
    countClause(state);
    if (!isScalar(value)) {
      throw new InputError(field, `must be a string, number, boolean or null (shorthand for $eq), or an object of operators (${operatorList})`);
    }
    checkScalar(value, field);
  }
}

function checkOperand(operator: ComparisonOperator, operand: unknown, field: string): void {
  switch (operator) {
    case "$eq":
    case "$neq":
      if (!isScalar(operand)) throw new InputError(field, "must be a string, number, boolean or null");
      return checkScalar(operand, field);
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      if (typeof operand !== "number" && typeof operand !== "string") {
        throw new InputError(field, "must be a number or a string (e.g. an ISO date)");
      }
      return checkScalar(operand, field);
    case "$in":
    case "$nin":
      if (!Array.isArray(operand) || operand.length === 0) throw new InputError(field, "must be a non-empty list of values");
      if (operand.length > conditionLimits.listItems) {
        throw new InputError(field, `must list at most ${conditionLimits.listItems} values`);
      }
      operand.forEach((item: unknown, index) => {
        if (!isScalar(item)) throw new InputError(`${field}[${index}]`, "must be a string, number, boolean or null");
        checkScalar(item, `${field}[${index}]`);
      });
      return;
    case "$exists":
      if (typeof operand !== "boolean") throw new InputError(field, "must be true or false");
      return;
  }
}

function countClause(state: State): void {
  state.clauses += 1;
  if (state.clauses > conditionLimits.clauses) {
    throw new InputError(state.field, `at most ${conditionLimits.clauses} clauses (one per operator or shorthand value)`);
  }
}

type Scalar = string | number | boolean | null;

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function checkScalar(value: Scalar, field: string): void {
  if (typeof value === "number" && !Number.isFinite(value)) throw new InputError(field, "must be a finite number");
  // PostgreSQL's jsonb cannot hold U+0000.
  if (typeof value === "string" && unstorableStringAt(value, field)) {
    throw new InputError(field, "must not contain NUL (\\u0000) or unpaired surrogate characters");
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A key as the message shows it: as JSON, shortened, so odd characters stay visible and harmless. */
function quoteKey(key: string): string {
  const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  return /^\$?[A-Za-z0-9_.]+$/.test(shown) ? shown : JSON.stringify(shown);
}
