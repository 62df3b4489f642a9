import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What the partner makes of a request's `Authorization` header. */
export type TokenState = "issued" | "expired" | "unknown" | "missing";

/** How long an access token it hands out is good for; the standard answer says so in `expires_in`. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * Access tokens that carry their own proof: `<expiry>.<nonce>.<HMAC of both>`, keyed by the
 * client credentials. A partner restarted with the same credentials (to turn on --fail-rate, say)
 * still recognizes the token hookgate has cached, so the restart does not read as a wrong token;
 * started with other credentials, it does not.
 */
export class TokenMint {
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(clientId: string, clientSecret: string, now: () => number = Date.now) {
    this.#key = createHmac("sha256", "hookgate partner access token").update(`${clientId}\0${clientSecret}`).digest();
    this.#now = now;
  }

  issue(): string {
    const expires = Math.floor(this.#now() / 1000) + TOKEN_LIFETIME_SECONDS;
    const unsigned = `${expires}.${randomBytes(12).toString("base64url")}`;
    return `${unsigned}.${this.#mac(unsigned)}`;
  }

  /** The state of the Bearer token in an `Authorization` header value (undefined: no header). */
  check(authorization: string | undefined): TokenState {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    if (token === undefined) return authorization === undefined ? "missing" : "unknown";
    const parts = token.split(".");
    if (parts.length !== 3) return "unknown";
    const [expires, nonce, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.#mac(`${expires}.${nonce}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "unknown";
    return Number(expires) * 1000 > this.#now() ? "issued" : "expired";
  }

  #mac(text: string): string {
    return createHmac("sha256", this.#key).update(text).digest("base64url");
  }
}
