import type { Config } from "../config.js";
import type { OriginPolicy } from "../origin/origin-target.js";

/** Where origin queries may run: the built-in schema at this instance's /graphql, or the allow-list. */
export function originPolicyOf(config: Config): OriginPolicy {
  return {
    builtInGraphqlUrl: `${config.publicUrl}/graphql`,
    builtInAliases: config.builtInOriginAliases,
    allowlist: config.originAllowlist,
  };
}
