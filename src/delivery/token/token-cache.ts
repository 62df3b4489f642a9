import { createHmac, randomBytes } from "node:crypto";
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { ClientCredentials, type Token, type WreckHttpOptions } from "simple-oauth2";
import { describeTokenFailure, MAX_ANSWER_BYTES, redact } from "./token-failure.js";

/** What a webhook group's `authentication` boils down to: an OAuth2 client-credentials client. */
export interface Credential {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scope: string | null;
}

export interface TokenCacheOptions {
  /** Agents for the token request; the SSRF guard lives in them. Default: wreck's own agents. */
  agents?: { http: HttpAgent; https: HttpsAgent };
  /** Bounds waiting for the answer's headers, and again for its body (that is how wreck counts). Default 15 s. */
  timeoutMs?: number;
  /** How long to keep a token whose answer has no usable `expires_in` (doo's answer). Default 5 min. */
  defaultTtlMs?: number;
  /** Refresh this long before expiry (at most 10% of the token's lifetime). Default 30 s. */
  refreshSkewMs?: number;
  /** How many credentials keep a token; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /** Clock, so tests can move time instead of sleeping. */
  now?: () => number;
  /** Told how each token request ended (hookgate_token_fetches_total). */
  onFetch?: (outcome: "succeeded" | "failed") => void;
}

/** A token could not be obtained. The message names the endpoint (without query) and never the secret. */
export class TokenError extends Error {
  override readonly name = "TokenError";
  constructor(
    readonly endpoint: string,
    problem: string,
    /** The token endpoint's HTTP status, when it answered with a non-2xx one. */
    readonly status?: number,
  ) {
    super(`token endpoint ${endpoint} ${problem}`);
  }
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/**
 * OAuth2 client-credentials tokens for deliveries, one cache per worker process. Tokens are shared
 * by every delivery to the same credential, so a burst of deliveries costs one token request.
 */
export class TokenCache {
  readonly #timeoutMs: number;
  readonly #defaultTtlMs: number;
  readonly #refreshSkewMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #agents: TokenCacheOptions["agents"];
  readonly #onFetch: TokenCacheOptions["onFetch"];
  // Keys hold an HMAC of the secret, keyed per process, so a heap dump does not offer cheap guesses.
  readonly #keySecret = randomBytes(32);
  // A Map iterates in insertion order; re-inserting on use makes the first key the least recently used.
  readonly #tokens = new Map<string, CachedToken>();
  readonly #inFlight = new Map<string, Promise<string>>();
  #fetchCount = 0;

  constructor(options: TokenCacheOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#defaultTtlMs = options.defaultTtlMs ?? 5 * 60_000;
    this.#refreshSkewMs = options.refreshSkewMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#agents = options.agents;
    this.#onFetch = options.onFetch;
  }

  /** Token requests made so far (each for one cache key); tests and the benchmark count them. */
  get fetchCount(): number {
    return this.#fetchCount;
  }

  /** A valid access token: cached, or fetched once — concurrent callers for the same credential share one in-flight fetch. */
  get(credential: Credential): Promise<string> {
    const key = this.#keyOf(credential);
    const cached = this.#tokens.get(key);
    if (cached && this.#now() < cached.refreshAt) {
      this.#tokens.delete(key);
      this.#tokens.set(key, cached);
      return Promise.resolve(cached.token);
    }
    const pending = this.#inFlight.get(key);
    if (pending) return pending;

    const startedAt = this.#now();
    const fetching = this.#request(credential)
      .then((answer) => {
        // Lifetime counts from when we asked, not when the answer arrived: errs on the early side.
        this.#remember(key, answer.access_token, startedAt + this.#lifetimeBeforeRefresh(answer));
        return answer.access_token;
      })
      // Failures are not cached: every waiter of this fetch sees the error, the next get tries again.
      .finally(() => {
        if (this.#inFlight.get(key) === fetching) this.#inFlight.delete(key);
      });
    this.#inFlight.set(key, fetching);
    return fetching;
  }

  /** Forget the cached token for this credential (a partner answered 401). Only drops it if it is still the given token, so a stale 401 does not discard a fresher token. */
  invalidate(credential: Credential, token: string): void {
    const key = this.#keyOf(credential);
    if (this.#tokens.get(key)?.token === token) this.#tokens.delete(key);
  }

  #keyOf({ tokenEndpoint, clientId, scope, clientSecret }: Credential): string {
    // A replaced group with a rotated secret must not reuse the old secret's token.
    const secretMac = createHmac("sha256", this.#keySecret).update(clientSecret).digest("base64url");
    return JSON.stringify([tokenEndpoint, clientId, normalScope(scope), secretMac]);
  }

  #remember(key: string, token: string, refreshAt: number): void {
    this.#tokens.delete(key);
    this.#tokens.set(key, { token, refreshAt });
    for (const oldest of this.#tokens.keys()) {
      if (this.#tokens.size <= this.#maxEntries) break;
      this.#tokens.delete(oldest);
    }
  }

  #lifetimeBeforeRefresh(answer: Token): number {
    const lifetime = expiresInMs(answer.expires_in) ?? this.#defaultTtlMs;
    return lifetime - Math.min(this.#refreshSkewMs, lifetime / 10);
  }

  async #request(credential: Credential): Promise<Token & { access_token: string }> {
    const { url, shown } = parseEndpoint(credential.tokenEndpoint);
    let client: ClientCredentials;
    try {
      client = new ClientCredentials({
        client: { id: credential.clientId, secret: credential.clientSecret },
        auth: { tokenHost: url.origin, tokenPath: `${url.pathname}${url.search}` },
        // doo and most partners take the credentials as form fields, not as Basic auth.
        options: { authorizationMethod: "body", bodyFormat: "form" },
      });
    } catch {
      // Joi's message quotes the refused value, which may be the secret: say what is wrong, not what it is.
      throw new TokenError(shown, "cannot be asked: the client id or secret has characters other than printable ASCII");
    }

    const http: WreckHttpOptions = {
      timeout: this.#timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
      // 0, not false: with false wreck hands a 3xx back as if it were the answer; 0 makes it an error.
      redirects: 0,
      // Parse the body as JSON whatever its content-type: partners label token answers loosely.
      json: "force",
    };
    const agents = this.#agents;
    if (agents) {
      // simple-oauth2 deep-clones http options (Hoek.clone), which would copy the agent, its pools and
      // sockets; Hoek copies accessors as accessors, so a getter hands wreck the very agent we were given.
      const agent = url.protocol === "https:" ? agents.https : agents.http;
      Object.defineProperty(http, "agent", { enumerable: true, get: () => agent });
    }

    this.#fetchCount += 1;
    let answer: Token;
    try {
      const scope = normalScope(credential.scope);
      answer = (await client.getToken(scope ? { scope } : {}, http)).token;
    } catch (error) {
      this.#onFetch?.("failed");
      const { problem, status } = describeTokenFailure(error, { timeoutMs: this.#timeoutMs, maxBytes: MAX_ANSWER_BYTES });
      throw new TokenError(shown, redact(problem, credential.clientSecret), status);
    }
    const token = answer.access_token;
    this.#onFetch?.(typeof token === "string" && token !== "" ? "succeeded" : "failed");
    if (typeof token !== "string" || token === "") {
      throw new TokenError(shown, "answered without an access_token");
    }
    return { ...answer, access_token: token };
  }
}

function normalScope(scope: string | null): string {
  return scope?.trim() ?? "";
}

/** `expires_in` in seconds, as a number or a numeric string; anything else means "not said". */
function expiresInMs(value: unknown): number | null {
  const seconds =
    typeof value === "number" ? value : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

function parseEndpoint(endpoint: string): { url: URL; shown: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TokenError("(not a URL)", "cannot be asked: it is not a valid http(s) URL");
  }
  // Query strings sometimes carry keys; messages end up in logs, so show origin and path only.
  const shown = `${url.origin}${url.pathname}`;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TokenError(shown, "cannot be asked: only http and https are supported");
  }
  return { url, shown };
}
