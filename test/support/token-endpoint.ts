import http from "node:http";
import { useForTests } from "./use-for-tests.js";
import { listenOnLoopback } from "./loopback-server.js";

export interface TokenRequest {
  form: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/**
 * A partner's OAuth2 token endpoint on loopback. Issues `token-1`, `token-2`, … ; answers in doo's
 * shape ({ message, description, access_token }) unless `expiresIn` is set; can be made to fail.
 */
export async function startTokenEndpoint(options: { expiresIn?: number; clientSecret?: string } = {}) {
  const requests: TokenRequest[] = [];
  let failWith: number | null = null;
  let delayMs = 0;
  let issued = 0;
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const form = new URLSearchParams(body);
      requests.push({ form, headers: request.headers });
      const refused = options.clientSecret !== undefined && form.get("client_secret") !== options.clientSecret;
      const status = failWith ?? (refused ? 401 : 200);
      if (status !== 200) {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: "invalid_client" }));
        return;
      }
      issued += 1;
      const token = `token-${issued}`;
      const answer =
        options.expiresIn === undefined
          ? { message: "OK", description: "token issued", access_token: token }
          : { access_token: token, token_type: "Bearer", expires_in: options.expiresIn };
      setTimeout(() => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
      }, delayMs);
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/oauth/token`,
    requests,
    /** The last token issued. */
    get lastToken() {
      return `token-${issued}`;
    },
    failWith(status: number | null) {
      failWith = status;
    },
    /** From now on, issue tokens only after `ms` (a slow token endpoint). */
    answerAfter(ms: number) {
      delayMs = ms;
    },
    close,
  };
}

export type TokenEndpoint = Awaited<ReturnType<typeof startTokenEndpoint>>;

/** A token endpoint for the file's (or describe block's) tests: started before them, closed after them. */
export function useTokenEndpoint(options: Parameters<typeof startTokenEndpoint>[0] = {}): TokenEndpoint {
  // `lastToken` is a getter: useForTests copies it as one, so it keeps reading the live count.
  return useForTests(() => startTokenEndpoint(options), (endpoint) => endpoint.close());
}
