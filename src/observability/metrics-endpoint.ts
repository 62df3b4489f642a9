import type { IncomingMessage, ServerResponse } from "node:http";
import { safeEqual } from "../secrets/constant-time.js";
import type { Metrics } from "./metrics.js";
import type { ReadinessReport } from "./readiness.js";

/** The operator's routes, served by the API's port and by a worker's HOOKGATE_METRICS_PORT alike. */
export interface OperatorRoutes {
  readonly metrics: Metrics;
  /** HOOKGATE_METRICS_TOKEN: when set, /metrics wants `Authorization: Bearer <token>`. */
  readonly token: string | undefined;
  readonly ready: () => Promise<ReadinessReport>;
}

/**
 * Answers /metrics, /ready and /health; false for any other path (the caller routes it). /ready
 * and /health carry no token: probes rarely can, and they tell nothing a tenant could use.
 */
export async function answerOperatorRoute(routes: OperatorRoutes, request: IncomingMessage, response: ServerResponse, pathname: string): Promise<boolean> {
  if (pathname === "/health") {
    send(response, 200, "application/json; charset=utf-8", JSON.stringify({ status: "ok" }));
    return true;
  }
  if (pathname === "/ready") {
    const report = await routes.ready();
    const body = report.ready ? { status: "ready", checks: report.checks } : { status: "not ready", reason: report.reason, checks: report.checks };
    send(response, report.ready ? 200 : 503, "application/json; charset=utf-8", JSON.stringify(body));
    return true;
  }
  if (pathname === "/metrics") {
    if (routes.token !== undefined && !bearerMatches(request, routes.token)) {
      response.setHeader("www-authenticate", 'Bearer realm="hookgate metrics"');
      send(response, 401, "text/plain; charset=utf-8", "/metrics needs Authorization: Bearer <HOOKGATE_METRICS_TOKEN>\n");
      return true;
    }
    const { registry } = routes.metrics;
    send(response, 200, registry.contentType, await registry.metrics());
    return true;
  }
  return false;
}

function bearerMatches(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? "";
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  // Compared even when absent, so a missing header costs what a wrong one does.
  return safeEqual(presented ?? "", token) && presented !== undefined;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  response.end(body);
}
