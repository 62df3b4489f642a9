import type { Config } from "../config.js";

/** Where origin queries may run: the built-in schema at this instance's /graphql, or the allow-list. */
export function originPolicyOf(config: Config): { builtInGraphqlUrl: string; allowlist: readonly string[] } {
  return { builtInGraphqlUrl: `${config.publicUrl}/graphql`, allowlist: config.originAllowlist };
}
