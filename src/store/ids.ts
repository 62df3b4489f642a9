const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every id hookgate issues is a UUID. Anything else cannot name a row, so callers treat it
 * exactly like an unknown id instead of letting Postgres raise a cast error.
 */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
