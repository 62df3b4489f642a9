import { fetch as undiciFetch, type Dispatcher } from "undici";

/**
 * `fetch` on the guarded dispatcher, for libraries that take a fetch (graphql-request): the same
 * address guard as every other request to a URL a tenant gave. Redirects are an error: the
 * operator allowed this URL, not wherever it points next.
 */
export function guardedFetch(dispatcher: Dispatcher): typeof fetch {
  const guarded = (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher, redirect: "error" });
  // undici's fetch is the implementation behind Node's global one; only their type declarations differ.
  return guarded as unknown as typeof fetch;
}
