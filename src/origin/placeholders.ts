import { Kind, parse, print, visit, type DocumentNode, type StringValueNode, type ValueNode } from "graphql";
import { InputError } from "../errors.js";
import type { HookType } from "../store/tables.js";
import type { OriginRequest } from "./origin-request.js";

/** The placeholders an origin body may use, and the delivery value each one stands for. */
const KEYS = {
  EVENT_ID: "eventId",
  ORDER_ID: "orderId",
  EVENT_GUIDE_ID: "eventGuideId",
  ORGANIZATION_ID: "organizationId",
} as const;

type PlaceholderName = keyof typeof KEYS;

export const KNOWN_PLACEHOLDERS: readonly string[] = Object.keys(KEYS).map((name) => `%${name}%`);

/** Values for one delivery. Absent or null: the placeholder has no value (e.g. %ORDER_ID% for an event). */
export type PlaceholderValues = Partial<Record<(typeof KEYS)[PlaceholderName], string | null>>;

const ANY = /%([A-Z][A-Z0-9_]*)%/g;
const WHOLE = /^%([A-Z][A-Z0-9_]*)%$/;

/** Every distinct placeholder in `text`, as written (`%EVENT_ID%`), in order of first appearance. */
export function findPlaceholders(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(ANY), (match) => match[0]))];
}

/**
 * Refuses placeholders the delivery could never fill. Pass the body text; escapes such as
 * `\u0025` are not decoded here, so callers holding a decoded request should pass
 * `JSON.stringify(request)`, which spells every `%` out.
 */
export function checkPlaceholders(body: string, hookType: HookType, field: string): void {
  for (const placeholder of findPlaceholders(body)) {
    if (!KNOWN_PLACEHOLDERS.includes(placeholder)) {
      throw new InputError(field, `unknown placeholder ${placeholder}; known: ${KNOWN_PLACEHOLDERS.join(", ")}`);
    }
    if (placeholder === "%ORDER_ID%" && hookType.startsWith("EVENT_")) {
      throw new InputError(field, `%ORDER_ID% has no value in an ${hookType} hook; use it in ORDER_* hooks only`);
    }
  }
}

/**
 * The request with placeholders replaced as values: in string variables (deep) and in string
 * literals of the document (through the AST, so a value holding `"`, `}` or a newline stays a
 * value). Unknown placeholders are left alone; creation refuses them anyway.
 */
export function substitutePlaceholders(request: OriginRequest, values: PlaceholderValues): OriginRequest {
  const variables = substituteValue(request.variables, values) as Record<string, unknown>;
  // Most origin queries take ids through variables; skip the parse when the text has nothing to replace.
  if (!request.query.includes("%")) return { ...request, variables };
  const document = parse(request.query, { noLocation: true });
  const substituted = substituteInDocument(document, values);
  return { ...request, variables, query: substituted === document ? request.query : print(substituted) };
}

/**
 * Replaces placeholders in the string literals of an already parsed document, so a cached,
 * validated document can be reused per delivery. Returns the same document when nothing changed.
 */
export function substituteInDocument(document: DocumentNode, values: PlaceholderValues): DocumentNode {
  const source = document.loc?.source.body;
  if (source !== undefined && !source.includes("%")) return document;
  let changed = false;
  const result = visit(document, {
    StringValue(node: StringValueNode): ValueNode | undefined {
      const replaced = substituteString(node.value, values);
      if (replaced === node.value) return undefined;
      changed = true;
      return replaced === null ? { kind: Kind.NULL } : { kind: Kind.STRING, value: replaced };
    },
  });
  return changed ? result : document;
}

function substituteValue(value: unknown, values: PlaceholderValues): unknown {
  if (typeof value === "string") return substituteString(value, values);
  if (Array.isArray(value)) return value.map((item) => substituteValue(item, values));
  if (typeof value === "object" && value !== null) {
    // fromEntries defines own properties, so a "__proto__" key from JSON stays a plain key.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteValue(item, values)]));
  }
  return value;
}

/** A string that is exactly one placeholder becomes its value (null when it has none). */
function substituteString(text: string, values: PlaceholderValues): string | null {
  if (!text.includes("%")) return text;
  const name = WHOLE.exec(text)?.[1];
  if (name !== undefined && isKnown(name)) return valueOf(name, values);
  return text.replace(ANY, (match, name: string) => (isKnown(name) ? (valueOf(name, values) ?? "") : match));
}

function isKnown(name: string): name is PlaceholderName {
  return Object.hasOwn(KEYS, name);
}

function valueOf(name: PlaceholderName, values: PlaceholderValues): string | null {
  return values[KEYS[name]] ?? null;
}
