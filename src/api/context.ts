import DataLoader from "dataloader";
import type { Services } from "../services.js";
import type { ApiKeyRole, HookRow } from "../store/tables.js";
import { listHooksOfGroups } from "../store/webhook-group.repository.js";

/** Who is calling: an API key of one organization. */
export interface Caller {
  readonly organizationId: string;
  readonly role: ApiKeyRole;
  readonly apiKeyId: string;
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
  readonly hooksOfGroup: DataLoader<string, HookRow[]>;
}

/** A context for one request (HTTP) or one in-process origin query (delivery). */
export function createRequestContext(services: Services, credentials: Credentials): RequestContext {
  const organizationId = credentials.caller?.organizationId;
  return {
    services,
    credentials,
    hooksOfGroup: new DataLoader<string, HookRow[]>(async (groupIds) => {
      const hooks = organizationId ? await listHooksOfGroups(services.db, organizationId, groupIds) : [];
      return groupIds.map((id) => hooks.filter((hook) => hook.webhook_group_id === id));
    }),
  };
}
