import { normalizeUrl } from "../config.js";
import { checkEndpointUrl } from "../outbound/endpoint-url.js";
import { InputError } from "../errors.js";

/** Where origin queries may run: this instance's own schema, or endpoints the operator listed. */
export interface OriginPolicy {
  /** `${publicUrl}/graphql`: origins naming it run in-process against the built-in schema. */
  readonly builtInGraphqlUrl: string;
  /** Other URLs meaning the built-in schema (HOOKGATE_BUILTIN_ORIGIN_ALIASES, e.g. doo's gql.doo.net). */
  readonly builtInAliases?: readonly string[];
  /** Normalized http(s) URLs from HOOKGATE_ORIGIN_ALLOWLIST. */
  readonly allowlist: readonly string[];
}

export type OriginTarget = { readonly kind: "built-in" } | { readonly kind: "remote"; readonly url: string };


/**
 * Decides where an origin query runs. Arbitrary endpoints are refused: hookgate would otherwise
 * fetch any URL a tenant names, once per delivery, from inside the operator's network.
 */
export function resolveOriginTarget(
  endpoint: string | null | undefined,
  policy: OriginPolicy,
  field: string,
): OriginTarget {
  if (endpoint === null || endpoint === undefined || endpoint.trim() === "") return { kind: "built-in" };
  const url = normalizeUrl(checkEndpointUrl(endpoint, field));
  if (url === safeNormalize(policy.builtInGraphqlUrl)) return { kind: "built-in" };
  if (policy.builtInAliases?.some((alias) => safeNormalize(alias) === url)) return { kind: "built-in" };
  if (policy.allowlist.some((entry) => safeNormalize(entry) === url)) return { kind: "remote", url };
  // The operator's allow-list is not every tenant's business; say what the caller can do instead.
  throw new InputError(
    field,
    `origin endpoint ${url} is not allowed; leave endpoint out (or use ${policy.builtInGraphqlUrl}) for hookgate's ` +
      "built-in schema, or ask the operator to add it to HOOKGATE_ORIGIN_ALLOWLIST",
  );
}

function safeNormalize(url: string): string | undefined {
  try {
    return normalizeUrl(url);
  } catch {
    return undefined;
  }
}
