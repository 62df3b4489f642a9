import { randomBytes } from "node:crypto";
import http from "node:http";

export interface TokenEndpoint {
  readonly url: string;
  /** Issued here and not expired: what the partner accepts. */
  isValid(token: string): boolean;
  /** Stops listening and drops open connections: hookgate's token requests are refused. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeUp(): Promise<void>;
  /** Tokens handed out (requests refused while down never arrived, so are not counted). */
  readonly issued: number;
  close(): Promise<void>;
}

/**
 * The partner's OAuth2 client-credentials endpoint, on a fixed loopback port so that it can go
 * down for a window and come back where hookgate's groups point. Tokens live `lifetimeS`, short,
 * so that hookgate needs new ones during a run (and during the down window).
 */
export async function startTokenEndpoint(port: number, lifetimeS: number): Promise<TokenEndpoint> {
  const expiries = new Map<string, number>();
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const token = randomBytes(16).toString("base64url");
      expiries.set(token, Date.now() + lifetimeS * 1000);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: lifetimeS }));
    });
  });
  const listen = () => new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => {
    server.off("error", reject);
    resolve();
  }));
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await listen();
  // A request already on its way when the token expires still counts: one second of grace.
  const graceMs = 1_000;
  return {
    url: `http://127.0.0.1:${port}/oauth/token`,
    isValid: (token) => (expiries.get(token) ?? 0) + graceMs > Date.now(),
    goDown: stopListening,
    comeUp: listen,
    get issued() {
      return expiries.size;
    },
    close: () => (server.listening ? stopListening() : Promise.resolve()),
  };
}
