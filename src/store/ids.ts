const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every id hookgate issues is a UUID. Anything else cannot name a row, so callers treat it
 * exactly like an unknown id instead of letting Postgres raise a cast error.
 */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * An id as a message may show it: a UUID as given, anything else not at all ("no event with that
 * id"), so a refused value, which may be anything a client sent, never comes back in an error.
 */
export function shownId(value: unknown): string {
  return typeof value === "string" && isUuid(value) ? value : "with that id";
}
