import http from "node:http";
import type { Logger } from "pino";
import { listenOn } from "./listen.js";
import { answerOperatorRoute, type OperatorRoutes } from "./metrics-endpoint.js";

export interface RunningMetricsServer {
  /** e.g. http://127.0.0.1:9464 — the address actually bound (port 0 resolved). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * HOOKGATE_METRICS_PORT: /metrics, /ready and /health on a port of their own, for a process
 * without the API (`hookgate worker`), whose deliveries would otherwise be seen by nobody. It
 * listens only; nothing here calls out.
 */
export async function startMetricsServer(routes: OperatorRoutes, where: { host: string; port: number }, logger: Logger): Promise<RunningMetricsServer> {
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url ?? "/", "http://hookgate.invalid");
    answerOperatorRoute(routes, request, response, pathname)
      .then((answered) => {
        if (answered) return;
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        response.end("this port serves /metrics, /ready and /health\n");
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "the metrics port could not answer");
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
  });
  const url = await listenOn(server, where);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
