import { storedApiKey } from "../../../shared/api-key-storage.js";

/** One GraphQL error as hookgate answers it (src/api/format-error.ts). */
export interface ApiErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; field?: string };
}

/** A request hookgate refused or could not answer; `message` is what the user reads. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly errors: readonly ApiErrorEntry[] = [],
  ) {
    super(message);
  }

  get unauthenticated(): boolean {
    return this.code === "UNAUTHENTICATED";
  }
}

type KeyRefusedListener = (apiKey: string) => void;
const keyRefusedListeners = new Set<KeyRefusedListener>();

/**
 * Called with the session's key when hookgate answers UNAUTHENTICATED to a request made with it
 * (the key was revoked mid-session): the session ends there rather than each page showing the
 * refusal as its own error. Returns the unsubscribe function.
 */
export function onSessionKeyRefused(listener: KeyRefusedListener): () => void {
  keyRefusedListeners.add(listener);
  return () => keyRefusedListeners.delete(listener);
}

/**
 * The console's only way to hookgate: POST /graphql, the public API, with the session's key
 * (or `apiKey`, for signing in). Any error entry fails the call: a page never shows half an answer
 * as if it were whole.
 */
export async function graphql<Data>(query: string, variables: Record<string, unknown> = {}, explicitKey?: string): Promise<Data> {
  const apiKey = explicitKey ?? storedApiKey();
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-api-key": apiKey },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("hookgate did not answer: is it running?", "NETWORK");
  }
  let body: { data?: Data | null; errors?: ApiErrorEntry[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`hookgate answered ${response.status} without a GraphQL body`, "HTTP");
  }
  const errors = body.errors ?? [];
  if (errors.length > 0) {
    const first = errors[0]!;
    const error = new ApiError(errors.map((entry) => entry.message).join("; "), first.extensions?.code, errors);
    if (error.unauthenticated && explicitKey === undefined) for (const listener of keyRefusedListeners) listener(apiKey);
    throw error;
  }
  if (body.data === undefined || body.data === null) throw new ApiError(`hookgate answered ${response.status} with no data`, "HTTP");
  return body.data;
}
