import type { BodyFormat } from "../store/tables.js";

/** The Content-Type each body format is sent with. */
export const contentTypeOf: Readonly<Record<BodyFormat, string>> = {
  JSON: "application/json",
  FORM: "application/x-www-form-urlencoded",
};

/** A FORM hook's payload must be a JSON object: only its fields can become form fields. */
export class NotFormEncodableError extends Error {}

/**
 * The body a hook sends, from its JSON payload: the JSON as it is, or (FORM) the payload's
 * top-level fields form-encoded. The result is what is stored, signed and sent.
 */
export function bodyInFormat(json: string, format: BodyFormat): string {
  return format === "FORM" ? formBody(JSON.parse(json) as unknown) : json;
}

/**
 * `application/x-www-form-urlencoded` (WHATWG: UTF-8, spaces as `+`), one field per top-level
 * field, in the payload's order. Strings go as they are; numbers and booleans as JSON writes them;
 * objects and arrays JSON-encoded; null as an empty value, so every field of the payload is in
 * the body whatever its value (as a blank HTML form field is). A payload that is not an object
 * (an array, a string, null…) has no fields to send and is refused rather than invented a name.
 */
export function formBody(payload: unknown): string {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new NotFormEncodableError(`a FORM body sends a JSON object's fields; this payload is ${describe(payload)}`);
  }
  const fields = new URLSearchParams();
  for (const [name, value] of Object.entries(payload)) fields.append(name, fieldValue(value));
  return fields.toString();
}

function fieldValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function describe(payload: unknown): string {
  if (payload === null) return "null";
  return Array.isArray(payload) ? "an array" : `a ${typeof payload}`;
}
