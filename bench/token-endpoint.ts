import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A partner's OAuth2 client-credentials token endpoint on loopback, answering the standard shape
 * with `expires_in` (3600 s by default). Counts the token requests per client_id.
 */
export async function startTokenEndpoint(options: { expiresIn?: number } = {}) {
  const expiresIn = options.expiresIn ?? 3600;
  const fetchesByClient = new Map<string, number>();
  let issued = 0;
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      const form = new URLSearchParams(body);
      const clientId = form.get("client_id") ?? "(none)";
      fetchesByClient.set(clientId, (fetchesByClient.get(clientId) ?? 0) + 1);
      issued += 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: `bench-token-${issued}`, token_type: "Bearer", expires_in: expiresIn }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth/token`,
    expiresIn,
    /** Token requests so far, in all. */
    get fetches() {
      return issued;
    },
    fetchesByClient: () => new Map(fetchesByClient),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TokenEndpoint = Awaited<ReturnType<typeof startTokenEndpoint>>;
