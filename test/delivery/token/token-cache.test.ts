import { createServer, Agent as HttpAgent, type IncomingHttpHeaders, type Server } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenCache, TokenError, type Credential } from "../../../src/delivery/token/token-cache.js";

const SECRET = "s3cr3t-&=+ %!value";

interface TokenRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

interface Answer {
  status?: number;
  /** An object is sent as JSON; a string as it is. */
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Sent in pieces with no Content-Length. */
  chunked?: boolean;
}

/** A loopback OAuth2 token endpoint: records each request, answers what the test sets in `respond`. */
class TokenEndpoint {
  readonly requests: TokenRequest[] = [];
  respond: (n: number, form: URLSearchParams) => Answer = (n) => ({
    body: { access_token: `token-${n}`, token_type: "Bearer", expires_in: 3600 },
  });
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (raw += chunk));
      req.on("end", () => {
        const form = new URLSearchParams(raw);
        this.requests.push({ method: req.method, url: req.url, headers: req.headers, form });
        const answer = this.respond(this.requests.length, form);
        const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
          if (answer.chunked) {
            for (let at = 0; at < body.length; at += 16 * 1024) res.write(body.slice(at, at + 16 * 1024));
            res.end();
          } else {
            res.end(body);
          }
        }, answer.delayMs ?? 0);
      });
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/oauth/token`;
  }

  /** Listens on the port it had before, so a credential keeps pointing at it after `stop()`. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (this.#server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

let endpoint: TokenEndpoint;
let clock: number;

function credential(overrides: Partial<Credential> = {}): Credential {
  return { tokenEndpoint: endpoint.url, clientId: "hookgate-client", clientSecret: SECRET, scope: null, ...overrides };
}

function cache(options: ConstructorParameters<typeof TokenCache>[0] = {}): TokenCache {
  return new TokenCache({ now: () => clock, ...options });
}

async function failure(promise: Promise<unknown>): Promise<TokenError> {
  const error = await promise.then(
    () => expect.fail("expected a TokenError"),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

beforeEach(async () => {
  clock = 1_700_000_000_000;
  endpoint = new TokenEndpoint();
  await endpoint.start();
});

afterEach(async () => {
  await endpoint.stop();
});

describe("TokenCache token request", () => {
  it("is a form POST of grant_type, client_id and client_secret, without Basic auth", async () => {
    await expect(cache().get(credential())).resolves.toBe("token-1");

    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/oauth/token");
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      grant_type: "client_credentials",
      client_id: "hookgate-client",
      client_secret: SECRET,
    });
  });

  it("adds scope only when the credential has one", async () => {
    await cache().get(credential({ scope: "webhooks:write orders:read" }));
    expect(endpoint.requests[0]?.form.get("scope")).toBe("webhooks:write orders:read");
  });

  it("keeps the endpoint's query string", async () => {
    await cache().get(credential({ tokenEndpoint: `${endpoint.url}?tenant=doo` }));
    expect(endpoint.requests[0]?.url).toBe("/oauth/token?tenant=doo");
  });

  it("goes through the agents it was given, not copies of them", async () => {
    const used: unknown[] = [];
    class SpyAgent extends HttpAgent {
      override createConnection(...args: Parameters<HttpAgent["createConnection"]>) {
        used.push(this);
        return super.createConnection(...args);
      }
    }
    const http = new SpyAgent();
    const https = new HttpsAgent();
    await cache({ agents: { http, https } }).get(credential());
    expect(used).toHaveLength(1);
    expect(used[0]).toBe(http);
    http.destroy();
    https.destroy();
  });
});

describe("TokenCache caching", () => {
  it("makes one token request for 200 concurrent gets", async () => {
    endpoint.respond = () => ({ body: { access_token: "shared", expires_in: 3600 }, delayMs: 50 });
    const tokens = cache();
    const results = await Promise.all(Array.from({ length: 200 }, () => tokens.get(credential())));
    expect(new Set(results)).toEqual(new Set(["shared"]));
    expect(endpoint.requests).toHaveLength(1);
    expect(tokens.fetchCount).toBe(1);
  });

  it("keeps a token until refreshSkewMs before expires_in, then fetches a new one", async () => {
    const tokens = cache();
    expect(await tokens.get(credential())).toBe("token-1");
    clock += 3600_000 - 30_000 - 1;
    expect(await tokens.get(credential())).toBe("token-1");
    clock += 1;
    expect(await tokens.get(credential())).toBe("token-2");
    expect(tokens.fetchCount).toBe(2);
  });

  it("refreshes a short-lived token at 90% of its lifetime", async () => {
    endpoint.respond = (n) => ({ body: { access_token: `short-${n}`, token_type: "bearer", expires_in: 60 } });
    const tokens = cache();
    await tokens.get(credential());
    clock += 54_000 - 1;
    expect(await tokens.get(credential())).toBe("short-1");
    clock += 1;
    expect(await tokens.get(credential())).toBe("short-2");
  });

  it("reads expires_in given as a numeric string", async () => {
    endpoint.respond = (n) => ({ body: { access_token: `str-${n}`, expires_in: "120" } });
    const tokens = cache();
    await tokens.get(credential());
    clock += 107_999;
    expect(await tokens.get(credential())).toBe("str-1");
    clock += 1;
    expect(await tokens.get(credential())).toBe("str-2");
  });

  it("accepts doo's answer {message, description, access_token} and keeps it for defaultTtlMs", async () => {
    endpoint.respond = (n) => ({
      body: { message: "Authentication successful", description: "Access token issued", access_token: `doo-${n}` },
    });
    const tokens = cache();
    expect(await tokens.get(credential())).toBe("doo-1");
    clock += 5 * 60_000 - 30_000 - 1;
    expect(await tokens.get(credential())).toBe("doo-1");
    clock += 1;
    expect(await tokens.get(credential())).toBe("doo-2");
  });

  it("honours a configured defaultTtlMs for answers without expires_in", async () => {
    endpoint.respond = (n) => ({ body: { access_token: `doo-${n}` } });
    const tokens = cache({ defaultTtlMs: 10_000 });
    await tokens.get(credential());
    clock += 8_999;
    expect(await tokens.get(credential())).toBe("doo-1");
    clock += 1;
    expect(await tokens.get(credential())).toBe("doo-2");
  });

  it("fetches a new token after invalidate", async () => {
    const tokens = cache();
    const first = await tokens.get(credential());
    tokens.invalidate(credential(), first);
    expect(await tokens.get(credential())).toBe("token-2");
  });

  it("keeps the newer token when a stale 401 invalidates an older one", async () => {
    const tokens = cache();
    const old = await tokens.get(credential());
    tokens.invalidate(credential(), old);
    const fresh = await tokens.get(credential());
    tokens.invalidate(credential(), old);
    expect(await tokens.get(credential())).toBe(fresh);
    expect(tokens.fetchCount).toBe(2);
  });

  it("gives different scopes, clients and secrets different tokens", async () => {
    const tokens = cache();
    const results = [
      await tokens.get(credential()),
      await tokens.get(credential({ scope: "a" })),
      await tokens.get(credential({ scope: "b" })),
      await tokens.get(credential({ clientId: "other" })),
      await tokens.get(credential({ clientSecret: "rotated-secret" })),
    ];
    expect(new Set(results).size).toBe(5);
    expect(await tokens.get(credential({ scope: "a" }))).toBe(results[1]);
  });

  it("forgets the least recently used credential beyond maxEntries", async () => {
    const tokens = cache({ maxEntries: 2 });
    await tokens.get(credential({ scope: "a" }));
    await tokens.get(credential({ scope: "b" }));
    await tokens.get(credential({ scope: "a" })); // a is now the most recently used
    await tokens.get(credential({ scope: "c" })); // evicts b
    expect(tokens.fetchCount).toBe(3);
    await tokens.get(credential({ scope: "a" }));
    expect(tokens.fetchCount).toBe(3);
    await tokens.get(credential({ scope: "b" }));
    expect(tokens.fetchCount).toBe(4);
  });
});

describe("TokenCache failures", () => {
  it("names an unreachable endpoint, and tries again once it is back", async () => {
    const tokens = cache();
    await endpoint.stop();
    const error = await failure(tokens.get(credential()));
    expect(error.message).toBe(
      `token endpoint ${endpoint.url} is unreachable (connect ECONNREFUSED 127.0.0.1:${endpoint.port})`,
    );
    expect(error.status).toBeUndefined();

    await endpoint.start();
    expect(await tokens.get(credential())).toBe("token-1");
    expect(tokens.fetchCount).toBe(2);
  });

  it("rejects every waiter of a failed fetch and does not cache the failure", async () => {
    endpoint.respond = (n) => (n === 1 ? { status: 500, body: "oops", delayMs: 30 } : { body: { access_token: "ok" } });
    const tokens = cache();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => tokens.get(credential())));
    expect(outcomes.every((outcome) => outcome.status === "rejected")).toBe(true);
    expect(endpoint.requests).toHaveLength(1);
    expect(await tokens.get(credential())).toBe("ok");
  });

  it.each([401, 500])("reports a %i answer with its status", async (status) => {
    endpoint.respond = () => ({ status, body: { error: "invalid_client", error_description: "bad" } });
    const error = await failure(cache().get(credential()));
    expect(error.status).toBe(status);
    expect(error.message).toBe(`token endpoint ${endpoint.url} answered HTTP ${status} (invalid_client)`);
  });

  it("reports a non-2xx answer whose body is not JSON", async () => {
    endpoint.respond = () => ({ status: 403, body: "<html>Forbidden</html>", headers: { "content-type": "text/html" } });
    const error = await failure(cache().get(credential()));
    expect(error.status).toBe(403);
    expect(error.message).toContain("answered HTTP 403");
  });

  it.each([
    ["a JSON answer without access_token", { token_type: "Bearer", expires_in: 3600 }, "without an access_token"],
    ["an empty access_token", { access_token: "" }, "without an access_token"],
    ["an empty body", "", "without an access_token"],
    ["a JSON string", '"token"', "without an access_token"],
    ["a body that is not JSON", "access_token=abc", "not JSON"],
  ])("refuses %s", async (_, body, problem) => {
    endpoint.respond = () => ({ body });
    const error = await failure(cache().get(credential()));
    expect(error.message).toContain(endpoint.url);
    expect(error.message).toContain(problem);
    expect(error.status).toBeUndefined();
  });

  // 200 KB of valid JSON: the problem is its size, and the message must say so, not "not JSON".
  it.each([
    ["with a Content-Length", false],
    ["sent chunked", true],
  ])("reports a JSON answer larger than it reads (%s) as too large", async (_, chunked) => {
    const big = JSON.stringify({ access_token: "t", padding: "x".repeat(200 * 1024) });
    endpoint.respond = () => ({ body: big, chunked });
    const error = await failure(cache().get(credential()));
    expect(error.message).toBe(`token endpoint ${endpoint.url} answered more than ${64 * 1024} bytes`);
    expect(error.status).toBeUndefined();
  });

  it("accepts a JSON answer labelled with another content-type", async () => {
    endpoint.respond = () => ({ body: { access_token: "plain" }, headers: { "content-type": "text/plain" } });
    expect(await cache().get(credential())).toBe("plain");
  });

  it("does not follow a redirect", async () => {
    endpoint.respond = () => ({ status: 302, body: "", headers: { location: "http://127.0.0.1:1/steal" } });
    const error = await failure(cache().get(credential()));
    expect(error.message).toContain("redirect");
    expect(endpoint.requests).toHaveLength(1);
  });

  it("gives up on a slow endpoint after timeoutMs", async () => {
    endpoint.respond = () => ({ body: { access_token: "late" }, delayMs: 2_000 });
    const error = await failure(cache({ timeoutMs: 100 }).get(credential()));
    expect(error.message).toContain("did not answer within 100 ms");
  });

  it("refuses an endpoint that is not http(s)", async () => {
    const error = await failure(cache().get(credential({ tokenEndpoint: "ftp://example.test/token" })));
    expect(error.message).toContain("only http and https");
  });

  it("never puts the client secret in an error message", async () => {
    const secret = "hunter2-very-secret";
    const messages: string[] = [];
    const attempt = async (overrides: Partial<Credential> = {}) => {
      const error = await failure(cache({ timeoutMs: 100 }).get(credential({ clientSecret: secret, ...overrides })));
      messages.push(error.message);
    };

    // An endpoint that echoes what it was sent, as a misbehaving one might.
    endpoint.respond = (_, form) => ({ status: 400, body: { error: form.get("client_secret") } });
    await attempt();
    endpoint.respond = (_, form) => ({ body: form.toString() });
    await attempt();
    endpoint.respond = (_, form) => ({ body: { token_type: form.get("client_secret") } });
    await attempt();
    endpoint.respond = () => ({ body: {}, delayMs: 1_000 });
    await attempt();
    // Characters simple-oauth2 refuses: its own message would quote the secret.
    await attempt({ clientSecret: `${secret}\u00e9` });
    await endpoint.stop();
    await attempt();
    await endpoint.start();

    expect(messages).toHaveLength(6);
    for (const message of messages) expect(message).not.toContain(secret);
  });
});
