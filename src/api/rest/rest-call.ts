import type { Services } from "../../services.js";
import type { RequestContext } from "../context.js";
import type { RestAnswer } from "./envelope.js";

/** One REST request, authenticated and with its body read, as an action sees it. */
export interface RestCall {
  readonly services: Services;
  readonly context: RequestContext;
  /** The path's captured segments, as sent (not decoded: every id is a UUID). */
  readonly params: readonly string[];
  readonly url: URL;
  /** The parsed JSON body of a POST; undefined otherwise. */
  readonly body: unknown;
}

export type RestAction = (call: RestCall) => Promise<RestAnswer>;
