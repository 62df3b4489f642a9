import type { Services } from "../services.js";
import { abortable } from "../store/abortable.js";
import type { ApiKeyMode, ApiKeyRole } from "../store/tables.js";
import { createLoaders, type Loaders, type SourceLoaders } from "./loaders.js";

/** Who is calling: an API key of one organization. */
export interface Caller {
  readonly organizationId: string;
  readonly role: ApiKeyRole;
  readonly apiKeyId: string;
  /** What the key publishes reaches the groups of this mode only; a SANDBOX key reaches SANDBOX groups only. */
  readonly mode: ApiKeyMode;
  /** The key reaches only the groups it names (createApiKey's groupIds). */
  readonly limitedToGroups: boolean;
}

/** What a request proved about itself. `operator`: it carried HOOKGATE_OPERATOR_TOKEN. */
export interface Credentials {
  readonly caller: Caller | null;
  readonly operator: boolean;
  /** Set when a key was presented but is unknown or revoked. */
  readonly rejected: boolean;
}

export interface RequestContext {
  readonly services: Services;
  readonly credentials: Credentials;
  /** Per-request batching, so a page of 25 groups costs one hooks query, not 25. */
  readonly loaders: Loaders;
}

/**
 * A context for one request (HTTP) or one in-process origin query (delivery); origin queries
 * pass `source` loaders shared with the other executions in hand, and the `signal` of their time
 * budget: once it aborts, resolvers start no further statement.
 */
export function createRequestContext(
  services: Services,
  credentials: Credentials,
  source?: SourceLoaders,
  signal?: AbortSignal,
): RequestContext {
  const within = signal ? { ...services, db: abortable(services.db, signal) } : services;
  return { services: within, credentials, loaders: createLoaders(within.db, credentials.caller?.organizationId, source, signal) };
}
