import { LRUCache } from "lru-cache";
import { type ActiveApiKey, findActiveApiKeyNotingUse, wasRevokedHere } from "../store/api-key.repository.js";
import type { Db } from "../store/database.js";

/**
 * Active API keys by hash, kept for `ttlMs` (HOOKGATE_API_KEY_CACHE_TTL) so a request does not
 * cost a lookup: a key revoked by another process stops working once its copy here expires; one
 * revoked by this process, at once. Unknown keys are not kept, so a key created elsewhere works
 * at its first use. A TTL of 0 looks every key up.
 */
export class ApiKeyCache {
  private readonly keys: LRUCache<string, ActiveApiKey> | null;
  /** One lookup per key at a time: requests arriving together for an expired key share it. */
  private readonly lookups = new Map<string, Promise<ActiveApiKey | undefined>>();

  constructor(
    private readonly db: Db,
    readonly ttlMs: number,
  ) {
    this.keys = ttlMs > 0 ? new LRUCache({ max: 10_000, ttl: ttlMs }) : null;
  }

  async find(hash: Buffer): Promise<ActiveApiKey | undefined> {
    const name = hash.toString("hex");
    const key = this.keys?.get(name) ?? (await this.lookUp(name, hash));
    // Revoked here, perhaps not yet committed: only the database can tell, so it is asked every time.
    if (key && wasRevokedHere(key.id)) return findActiveApiKeyNotingUse(this.db, hash);
    return key;
  }

  private lookUp(name: string, hash: Buffer): Promise<ActiveApiKey | undefined> {
    const pending = this.lookups.get(name);
    if (pending) return pending;
    const lookup = findActiveApiKeyNotingUse(this.db, hash)
      .then((key) => {
        if (key && !wasRevokedHere(key.id)) this.keys?.set(name, key);
        return key;
      })
      .finally(() => this.lookups.delete(name));
    this.lookups.set(name, lookup);
    return lookup;
  }
}

const caches = new WeakMap<Db, ApiKeyCache>();

/** The cache of the process's database (one per `db`, so tests and the bench may run several). */
export function apiKeyCacheFor(db: Db, ttlMs: number): ApiKeyCache {
  let cache = caches.get(db);
  if (!cache || cache.ttlMs !== ttlMs) {
    cache = new ApiKeyCache(db, ttlMs);
    caches.set(db, cache);
  }
  return cache;
}
