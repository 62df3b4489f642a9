import { createOriginDocumentCache } from "../origin/origin-document.js";
import type { OriginRunner } from "../origin/run-origin.js";
import { createGuardedNodeAgents } from "../outbound/guarded-connect.js";
import type { Services } from "../services.js";
import { createWorkerBatches, type WorkerBatches } from "./batch/worker-batches.js";
import { TokenCache } from "./token/token-cache.js";

/** What every delivery shares within one worker process: the services, tokens, parsed origins, batches. */
export interface WorkerContext {
  readonly services: Services;
  readonly batches: WorkerBatches;
  readonly tokens: TokenCache;
  readonly origins: OriginRunner;
}

export function createWorkerContext(services: Services): WorkerContext {
  const { config } = services;
  return {
    services,
    batches: createWorkerBatches(() => services.db),
    tokens: new TokenCache({
      // simple-oauth2 speaks node:http (through wreck): the same address guard, on node's agents.
      agents: createGuardedNodeAgents({ allowPrivateTargets: config.allowPrivateTargets }),
      timeoutMs: config.deliveryTimeoutMs,
      defaultTtlMs: config.tokenDefaultTtlMs,
    }),
    origins: {
      builtInSchema: services.builtInSchema,
      documents: createOriginDocumentCache(services.builtInSchema),
      outbound: services.outbound,
      timeoutMs: config.deliveryTimeoutMs,
    },
  };
}
