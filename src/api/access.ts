import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { Caller, RequestContext } from "./context.js";

/** Any valid key of an organization: reads. */
export function requireReader(context: RequestContext): Caller {
  const { caller, rejected } = context.credentials;
  if (!caller) {
    throw rejected ? new UnauthenticatedError("the API key is unknown or revoked") : new UnauthenticatedError();
  }
  return caller;
}

/** An ADMIN key: writes. */
export function requireAdmin(context: RequestContext): Caller {
  const caller = requireReader(context);
  if (caller.role !== "ADMIN") throw new ForbiddenError("this API key has the VIEWER role; writing needs an ADMIN key");
  return caller;
}

/** The operator token (HOOKGATE_OPERATOR_TOKEN), and nothing else, may create organizations. */
export function requireOperator(context: RequestContext): void {
  if (context.credentials.operator) return;
  if (!context.services.config.operatorToken) {
    throw new ForbiddenError("creating organizations needs HOOKGATE_OPERATOR_TOKEN to be set on the server");
  }
  throw new UnauthenticatedError("creating organizations needs Authorization: Bearer <HOOKGATE_OPERATOR_TOKEN>");
}
