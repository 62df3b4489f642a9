import { InputError } from "../../errors.js";
import { isPlainObject } from "../../origin/origin-request.js";
import { checkHeaderName } from "./header-name.js";

/** The seed systems' per-group options: Frappe's static headers, Dozuki's secret key, Duro's full data. */
export interface GroupOptionsDraft {
  headers: Array<{ name: string; value: string }>;
  /** Signs an HS256 JWT sent in x-webhook-secret; null: none. */
  secretKey: string | null;
  includeData: boolean;
}

const maxHeaders = 20;

export function parseGroupOptions(
  input: { headers?: unknown; secretKey?: unknown; includeData?: unknown },
  tokenHeader: string | null,
): GroupOptionsDraft {
  return {
    headers: parseHeaders(input.headers, tokenHeader),
    secretKey: parseSecretKey(input.secretKey),
    includeData: parseIncludeData(input.includeData),
  };
}

function parseHeaders(value: unknown, tokenHeader: string | null): GroupOptionsDraft["headers"] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError("input.headers", "must be a list of { name, value }");
  if (value.length > maxHeaders) throw new InputError("input.headers", `at most ${maxHeaders} headers`);
  const seen = new Set<string>();
  return value.map((header: unknown, index) => {
    const path = `input.headers[${index}]`;
    if (!isPlainObject(header) || typeof header.name !== "string" || typeof header.value !== "string") {
      throw new InputError(path, "must be { name, value } with string values");
    }
    const name = checkHeaderName(header.name.trim(), `${path}.name`);
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw new InputError(`${path}.name`, `${name} is given twice`);
    if (tokenHeader !== null && lower === tokenHeader.toLowerCase()) {
      throw new InputError(`${path}.name`, `${name} carries this group's access token; choose another header`);
    }
    seen.add(lower);
    // Header values go on the wire as they are: no line breaks (header injection), no control
    // characters, and only what HTTP/1.1 can carry (visible ASCII, space and tab).
    if (/[\r\n]/.test(header.value)) throw new InputError(`${path}.value`, "must not contain line breaks");
    if (!/^[\t\x20-\x7e]*$/.test(header.value)) {
      throw new InputError(`${path}.value`, "must be visible ASCII characters, spaces or tabs (HTTP header values)");
    }
    if (header.value.length > 4096) throw new InputError(`${path}.value`, "must be at most 4096 characters");
    return { name, value: header.value };
  });
}

function parseSecretKey(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new InputError("input.secretKey", "must be a string");
  // Dozuki's rule: at least 8 characters.
  if ([...value].length < 8) throw new InputError("input.secretKey", "must be at least 8 characters");
  if (value.length > 512) throw new InputError("input.secretKey", "must be at most 512 characters");
  if (value.includes("\u0000")) throw new InputError("input.secretKey", "must not contain NUL characters");
  return value;
}

function parseIncludeData(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== "boolean") throw new InputError("input.includeData", "must be true or false");
  return value;
}
