import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { GroupReach } from "../store/group-reach.js";
import type { GroupAuthor } from "../webhook-groups/group-author.js";
import type { Caller, RequestContext } from "./context.js";

/** Any valid key of an organization: reads. */
export function requireReader(context: RequestContext): Caller {
  const { caller, rejected } = context.credentials;
  if (!caller) {
    throw rejected ? new UnauthenticatedError("the API key is unknown or revoked") : new UnauthenticatedError();
  }
  return caller;
}

/** An ADMIN key: writes, to the groups it reaches. */
export function requireAdmin(context: RequestContext): Caller {
  const caller = requireReader(context);
  if (caller.role !== "ADMIN") throw new ForbiddenError("this API key has the VIEWER role; writing needs an ADMIN key");
  return caller;
}

/**
 * An ADMIN key for every group: changing source data or publishing reaches every group of the
 * key's mode, so a key limited to some groups may do neither.
 */
export function requirePublisher(context: RequestContext): Caller {
  const caller = requireAdmin(context);
  if (caller.limitedToGroups) {
    throw new ForbiddenError("this API key is limited to some webhook groups; changing source data or publishing needs a key for every group");
  }
  return caller;
}

/**
 * The organization's own administrator: a LIVE ADMIN key for every group. Only it manages API
 * keys, so no key can make one that reaches further than itself.
 */
export function requireOrganizationAdmin(context: RequestContext): Caller {
  const caller = requireAdmin(context);
  if (caller.mode !== "LIVE" || caller.limitedToGroups) {
    throw new ForbiddenError("managing API keys needs a LIVE ADMIN key for every group");
  }
  return caller;
}

/** The groups the caller sees and acts on: SANDBOX keys SANDBOX groups only, limited keys the groups they name. */
export function reachOf(caller: Caller): GroupReach {
  return { sandboxOnly: caller.mode === "SANDBOX", limitedKeyId: caller.limitedToGroups ? caller.apiKeyId : null };
}

/** The caller as the author of groups it creates or replaces: new groups get its mode. */
export function authorOf(caller: Caller): GroupAuthor {
  return { mode: caller.mode, reach: reachOf(caller) };
}

/** The operator token (HOOKGATE_OPERATOR_TOKEN), and nothing else, may create organizations. */
export function requireOperator(context: RequestContext): void {
  if (context.credentials.operator) return;
  if (!context.services.config.operatorToken) {
    throw new ForbiddenError("creating organizations needs HOOKGATE_OPERATOR_TOKEN to be set on the server");
  }
  throw new UnauthenticatedError("creating organizations needs Authorization: Bearer <HOOKGATE_OPERATOR_TOKEN>");
}
