import {
  GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  type TypeNode,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  Kind,
  typeFromAST,
} from "graphql";
import { ScalarRefusal } from "./scalar-refusal.js";

/** A coercion error's message without the refused value, and the field it names. */
export interface ValueFreeMessage {
  message: string;
  field?: string;
}

// Reasons graphql-js gives about an input's shape: they name fields and types, never values.
const shapeReasons = [
  /^Expected type "[^"]+" to be an object\.$/,
  /^Field "[^"]+" is not defined by type "[^"]+"\.( Did you mean [^;]*\?)?$/,
  /^Field "[^"]+" of required type "[^"]+" was not provided\.$/,
  /^Expected non-nullable type "[^"]+" not to be null\.$/,
  /^Exactly one key must be specified for OneOf type "[^"]+"\.$/,
  /^Field "[^"]+" must be non-null\.$/,
];

/**
 * graphql-js reports a variable it cannot coerce as
 * `Variable "$input" got invalid value <the value> at "input.x.y"; <reason>`, and a scalar's
 * reason repeats the value (`String cannot represent a non string value: 98765432123`). The value
 * may be a secret sent with the wrong type, so the message is rebuilt from what is not the value:
 * the variable, the path, the expected type (read from the schema) and the kind of value given.
 * Null when `error` is not such a report.
 */
export function variableCoercionMessage(error: GraphQLError, schema: GraphQLSchema): ValueFreeMessage | null {
  const { message } = error;
  const variable = /^Variable "\$([A-Za-z_]\w*)" got invalid value /.exec(message)?.[1];
  if (!variable) {
    // `…of required type "T" was not provided.` and `…must not be null.`: no value to cut.
    const named = /^Variable "\$([A-Za-z_]\w*)" of (?:required|non-null) type /.exec(message)?.[1];
    return named ? { message, field: named } : null;
  }
  const echoStart = `Variable "$${variable}" got invalid value `.length;
  // Paths are identifiers and [n] only, so the last ` at "<path>"; ` is graphql-js's own, whatever the value holds.
  const atPath = new RegExp(` at "(${variable}(?:\\.[A-Za-z_]\\w*|\\[\\d+\\])*)"; `, "g");
  const located = [...message.matchAll(atPath)].at(-1);
  const echoEnd = located ? located.index : message.indexOf("; ", echoStart);
  const reasonStart = located ? located.index + located[0].length : echoEnd + 2;
  const reason = message.slice(reasonStart);
  const path = located?.[1] ?? variable;
  const segments = path.slice(variable.length);
  // A missing or unknown input field is named in the reason rather than in the path.
  const inner = /^Field "([^"]+)" (?:of required type|is not defined)/.exec(reason)?.[1];
  const kept = shapeReasons.some((shape) => shape.test(reason)) || hasScalarRefusal(error);
  const definition = error.nodes?.[0];
  const variableType = definition?.kind === Kind.VARIABLE_DEFINITION ? inputTypeOf(schema, definition.type, segments) : undefined;
  const expected = kept ? reason : expectation(variableType, kindOfInspected(message.slice(echoStart, echoEnd)));
  return {
    message: `Variable "$${variable}" got an invalid value${located ? ` at "${path}"` : ""}; ${expected}`,
    field: inner ? `${path}.${inner}` : path,
  };
}

/** `expected String!, got a number`, or for a value of the right kind that the type still refuses, what the type takes. */
export function expectation(type: GraphQLInputType | undefined, given: string): string {
  if (!type) return `${given} is not accepted here`;
  const named = getNamedType(type);
  if (isEnumType(named)) return `expected ${String(type)}, one of ${named.getValues().map((value) => value.name).join(", ")}; got ${given}`;
  const sameKind = given === "a string" || (given === "a number" && ["Int", "Float"].includes(named.name));
  if (sameKind && !isListType(getNullableType(type))) return `expected ${String(type)}; ${given.replace(/^an? /, "the ")} given is not a valid ${named.name}`;
  return `expected ${String(type)}, got ${given}`;
}

/** The type at `segments` (`.hooks[0].type`) inside a variable of type `typeNode`. */
function inputTypeOf(schema: GraphQLSchema, typeNode: TypeNode, segments: string): GraphQLInputType | undefined {
  let type = typeFromAST(schema, typeNode) as GraphQLInputType | undefined;
  for (const [, field, index] of segments.matchAll(/\.([A-Za-z_]\w*)|\[(\d+)\]/g)) {
    const nullable = type && getNullableType(type);
    if (index !== undefined) type = isListType(nullable) ? nullable.ofType : undefined;
    else type = isInputObjectType(nullable) ? nullable.getFields()[field!]?.type : undefined;
  }
  return type;
}

/** What kind of value graphql-js's `inspect` printed, without the value. */
function kindOfInspected(printed: string): string {
  if (printed.startsWith('"')) return "a string";
  if (printed.startsWith("[")) return "a list";
  if (printed.startsWith("{")) return "an object";
  if (printed === "true" || printed === "false") return "a boolean";
  if (printed === "null") return "null";
  return "a number";
}

function hasScalarRefusal(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = (current as GraphQLError).originalError) {
    if (current instanceof ScalarRefusal) return true;
    if (!(current instanceof GraphQLError)) break;
  }
  return false;
}
