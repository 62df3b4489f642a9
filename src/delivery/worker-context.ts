import { createOriginDocumentCache } from "../origin/origin-document.js";
import type { OriginRunner } from "../origin/run-origin.js";
import { createGuardedNodeAgents } from "../outbound/guarded-connect.js";
import type { Services } from "../services.js";
import { createWorkerBatches, type WorkerBatches } from "./batch/worker-batches.js";
import { EndpointGate } from "./gate/endpoint-gate.js";
import { TokenCache } from "./token/token-cache.js";

/** What every delivery shares within one worker process: the services, tokens, parsed origins, batches. */
export interface WorkerContext {
  readonly services: Services;
  readonly batches: WorkerBatches;
  /** Which endpoints may be sent to now: slots per endpoint, circuit breakers. */
  readonly gate: EndpointGate;
  readonly tokens: TokenCache;
  readonly origins: OriginRunner;
}

/** Five attempts in a row without an answer open an endpoint's circuit for 30 s, doubling up to 10 min. */
const circuitBreaker = { threshold: 5, firstOpenMs: 30_000, maxOpenMs: 10 * 60_000 };

export function createWorkerContext(services: Services): WorkerContext {
  const { config } = services;
  return {
    services,
    batches: createWorkerBatches(() => services.db, (count) => services.metrics.published("DELIVERY_FAILED", count)),
    gate: new EndpointGate({ perEndpoint: config.endpointConcurrency, breaker: circuitBreaker, maxSlotWaitMs: 250 }),
    tokens: new TokenCache({
      // simple-oauth2 speaks node:http (through wreck): the same address guard, on node's agents.
      agents: createGuardedNodeAgents({ allowPrivateTargets: config.allowPrivateTargets }),
      timeoutMs: config.deliveryTimeoutMs,
      defaultTtlMs: config.tokenDefaultTtlMs,
      onFetch: (outcome) => services.metrics.tokenFetched(outcome),
    }),
    origins: {
      builtInSchema: services.builtInSchema,
      documents: createOriginDocumentCache(services.builtInSchema),
      outbound: services.outbound,
      timeoutMs: config.deliveryTimeoutMs,
      builtInTimeoutMs: config.originTimeoutMs,
    },
  };
}
