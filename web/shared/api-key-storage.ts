/**
 * The API key the playground and the console send as x-api-key. It lives in the tab's session
 * storage (gone when the tab closes, never in a URL, never in a cookie the browser would send by
 * itself), under one name, so signing in to the console also fills the playground's header.
 */
const storageKey = "hookgate.apiKey";

export function storedApiKey(): string {
  try {
    return sessionStorage.getItem(storageKey) ?? "";
  } catch {
    return "";
  }
}

export function storeApiKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(storageKey);
  else sessionStorage.setItem(storageKey, key);
}
