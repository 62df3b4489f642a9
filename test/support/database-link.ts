import net from "node:net";
import { inject } from "vitest";
import { useForTests } from "./use-for-tests.js";

export interface DatabaseLink {
  /** `url` with its host and port replaced by the link's: connections made with it can be cut. */
  through(url: string): string;
  /**
   * What a PostgreSQL restart or failover looks like from hookgate: every open connection is
   * dropped at once, and new ones are refused for `downMs`.
   */
  cut(downMs: number): Promise<void>;
  /** Connections dropped by cuts so far. */
  readonly dropped: number;
}

/**
 * A TCP link between hookgate and the test PostgreSQL that a test can cut. The shared server
 * cannot be restarted under the other test files; dropping every connection and refusing new ones
 * is what a restart does to a client (node-postgres sees "Connection terminated unexpectedly",
 * then ECONNREFUSED), with none of the other files noticing.
 */
export async function startDatabaseLink(serverUrl: string): Promise<DatabaseLink & { close(): Promise<void> }> {
  const upstream = new URL(serverUrl);
  const sockets = new Set<net.Socket>();
  let down = false;
  let dropped = 0;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        server.destroy();
      });
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    through(url) {
      const rewritten = new URL(url);
      rewritten.hostname = "127.0.0.1";
      rewritten.port = String(port);
      return rewritten.href;
    },
    async cut(downMs) {
      down = true;
      dropped += sockets.size;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      down = false;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A link to the test server for the file's tests. */
export function useDatabaseLink(): DatabaseLink {
  return useForTests(() => startDatabaseLink(inject("databaseServerUrl")), (link) => link.close());
}
