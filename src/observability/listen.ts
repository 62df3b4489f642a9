import type http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Starts `server` listening and answers the URL it can be reached at, with the port actually bound
 * (port 0 resolved) and a wildcard host shown as loopback. The API and the metrics port both use it.
 */
export async function listenOn(server: http.Server, where: { host: string; port: number }): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(where.port, where.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = where.host === "0.0.0.0" || where.host === "::" ? "127.0.0.1" : where.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
