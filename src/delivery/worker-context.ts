import type { Dispatcher } from "undici";
import { createOriginDocumentCache, type OriginDocumentCache } from "../origin/origin-document.js";
import type { Services } from "../services.js";
import { createGuardedNodeAgents, createOutboundDispatcher } from "../outbound/guarded-connect.js";
import { TokenCache } from "./token/token-cache.js";

/** What every delivery run shares within one worker process: connections, tokens, parsed origins. */
export interface DeliveryKit {
  readonly services: Services;
  /** Keep-alive HTTP to partners, behind the SSRF guard unless private targets are allowed. */
  readonly dispatcher: Dispatcher;
  readonly tokens: TokenCache;
  readonly originDocuments: OriginDocumentCache;
}

export function createDeliveryKit(services: Services): DeliveryKit {
  const { config } = services;
  return {
    services,
    dispatcher: createOutboundDispatcher({ allowPrivateTargets: config.allowPrivateTargets }),
    tokens: new TokenCache({
      agents: createGuardedNodeAgents({ allowPrivateTargets: config.allowPrivateTargets }),
      timeoutMs: config.deliveryTimeoutMs,
      defaultTtlMs: config.tokenDefaultTtlMs,
    }),
    originDocuments: createOriginDocumentCache(services.schema),
  };
}
