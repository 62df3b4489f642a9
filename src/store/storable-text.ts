/**
 * PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses lone surrogates. What a partner
 * or an origin answers is recorded as faithfully as those allow: both become U+FFFD.
 */
export function storableText(text: string): string {
  return text.toWellFormed().replaceAll("\u0000", "\uFFFD");
}

/** The same for every string inside a JSON value (object keys included). */
export function storableJson<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (Array.isArray(value)) return value.map((item) => storableJson(item)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), storableJson(item)])) as T;
  }
  return value;
}

/** The path of the first string PostgreSQL could not store as it is, or null. For input checks. */
export function unstorableStringAt(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") || !value.isWellFormed() ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableStringAt(item, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = unstorableStringAt(key, path) ?? unstorableStringAt(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}
