// doo's documentation warns "In API request, body must be escaped": an origin's body is a JSON
// request *inside* a JSON string. People paste it escaped, as a plain object, or as the request
// itself spread over lines. These functions accept all three and do the escaping for them.

/**
 * The origin body as hookgate takes it (a JSON-encoded GraphQL request, one string) from what
 * was written: an escaped string is kept as written, an object is encoded, a string that is the
 * request with raw line breaks in its strings is repaired and encoded. Anything else is handed
 * over as it is, for hookgate to refuse by name.
 */
export function originBodyText(value: unknown): unknown {
  if (isPlainObject(value)) return JSON.stringify(value);
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (parsesAsObject(text)) return text;
  const repaired = escapeControlCharactersInStrings(text);
  if (parsesAsObject(repaired)) return JSON.stringify(JSON.parse(repaired));
  return value;
}

/**
 * JSON.parse for what people paste: raw line breaks and tabs inside strings are escaped, and an
 * origin `body` written as the unescaped request (`"body": "{"query": …}"`) is escaped, before
 * parsing. Throws SyntaxError for what is still not JSON.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(escapeControlCharactersInStrings(escapeUnquotedBodies(text)));
  }
}

function parsesAsObject(text: string): boolean {
  try {
    return isPlainObject(JSON.parse(text));
  } catch {
    return false;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const controlCharacters: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Raw line breaks and tabs inside JSON strings, which JSON forbids, escaped; the rest unchanged. */
export function escapeControlCharactersInStrings(text: string): string {
  let out = "";
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString && char === "\\") {
      out += char + (text[index + 1] ?? "");
      index++;
      continue;
    }
    if (char === '"') inString = !inString;
    out += inString && char in controlCharacters ? controlCharacters[char] : char;
  }
  return out;
}

/**
 * `"body": "{ … }"` where the object inside is written with plain quotes: the object is found by
 * matching its braces (its own strings are proper JSON strings, so quotes inside them are
 * escaped) and the whole value is re-encoded as one JSON string.
 */
function escapeUnquotedBodies(text: string): string {
  // `{"` right after the quote: an escaped body starts `{\"` and is left alone.
  const opening = /"body"\s*:\s*"(?=\s*\{\s*")/g;
  let out = "";
  let copiedUpTo = 0;
  for (let match = opening.exec(text); match; match = opening.exec(text)) {
    const objectStart = text.indexOf("{", match.index + match[0].length);
    const objectEnd = matchingBrace(text, objectStart);
    if (objectEnd === -1) continue;
    const closingQuote = /^\s*"/.exec(text.slice(objectEnd + 1));
    if (!closingQuote) continue;
    const inner = text.slice(objectStart, objectEnd + 1);
    out += text.slice(copiedUpTo, match.index) + `"body": ${JSON.stringify(inner)}`;
    copiedUpTo = objectEnd + 1 + closingQuote[0].length;
    opening.lastIndex = copiedUpTo;
  }
  return out + text.slice(copiedUpTo);
}

/** The index of the `}` closing the `{` at `start`, skipping braces inside strings; -1 when none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index;
  }
  return -1;
}
