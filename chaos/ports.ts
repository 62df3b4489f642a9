import net from "node:net";

/**
 * A loopback port nothing listens on now. The harness fixes its ports once (PostgreSQL's, the
 * API's, the token endpoint's) because what it restarts must come back where clients look.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
