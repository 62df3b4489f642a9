import net from "node:net";

// Below Linux's ephemeral range (32768–60999 by default): the kernel never hands these out to an
// outgoing connection or a listen(0) on its own, so a port found free here stays free for the
// seconds until the process the test starts binds it. One from listen(0) could be taken meanwhile.
const lowest = 20_000;
const count = 12_000;

/** A loopback port nothing listens on right now, for a process the test starts. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = lowest + Math.floor(Math.random() * count);
    if (await isFree(port)) return port;
  }
}

async function isFree(port: number): Promise<boolean> {
  const server = net.createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (listening) await new Promise((resolve) => server.close(resolve));
  return listening;
}
