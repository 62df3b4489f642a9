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

/**
 * The path of the first string PostgreSQL could not store as it is, or null. For input checks.
 * A bad object key is reported at its object's path (the key itself is the refused text). Walked
 * with an explicit stack: input is checked before anything bounds its nesting.
 */
export function unstorableStringAt(value: unknown, path: string): string | null {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const current = next.value;
    if (typeof current === "string") {
      if (!isStorableText(current)) return next.path;
    } else if (Array.isArray(current)) {
      // Pushed last to first, so the first bad string in reading order is the one named.
      for (let index = current.length - 1; index >= 0; index--) pending.push({ value: current[index], path: `${next.path}[${index}]` });
    } else if (current !== null && typeof current === "object") {
      const entries = Object.entries(current);
      if (entries.some(([key]) => !isStorableText(key))) return next.path;
      for (const [key, item] of entries.reverse()) pending.push({ value: item, path: `${next.path}.${key}` });
    }
  }
  return null;
}

function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && text.isWellFormed();
}
