import type { IncomingHttpHeaders } from "node:http";
import { safeEqual } from "../secrets/constant-time.js";
import { hashApiKey, looksLikeApiKey } from "../secrets/api-key-token.js";
import { defaultApiKeyCacheTtlMs } from "../config.js";
import type { Db } from "../store/database.js";
import { apiKeyCacheFor } from "./api-key-cache.js";
import type { Credentials } from "./context.js";

const anonymous: Credentials = { caller: null, operator: false, rejected: false };

/**
 * `x-api-key: <key>` wins over `Authorization: Bearer <key>`: doo clients send both, the Bearer
 * being their own access token. A Bearer equal to the operator token makes an operator request.
 * Keys are looked up through the process's key cache (`keyCacheTtlMs`: HOOKGATE_API_KEY_CACHE_TTL).
 */
export async function authenticate(
  db: Db,
  headers: IncomingHttpHeaders,
  operatorToken: string | undefined,
  keyCacheTtlMs: number = defaultApiKeyCacheTtlMs,
): Promise<Credentials> {
  const apiKeyHeader = single(headers["x-api-key"]);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(single(headers.authorization) ?? "")?.[1];
  if (!apiKeyHeader && bearer && operatorToken && safeEqual(bearer, operatorToken)) {
    return { caller: null, operator: true, rejected: false };
  }
  const key = apiKeyHeader ?? bearer;
  if (!key) return anonymous;
  if (!looksLikeApiKey(key)) return { ...anonymous, rejected: true };
  const row = await apiKeyCacheFor(db, keyCacheTtlMs).find(hashApiKey(key));
  if (!row) return { ...anonymous, rejected: true };
  return {
    caller: {
      organizationId: row.organization_id,
      role: row.role,
      apiKeyId: row.id,
      mode: row.mode,
      limitedToGroups: row.limited_to_groups,
    },
    operator: false,
    rejected: false,
  };
}

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}
