import http from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { listenOn } from "../../observability/listen.js";
import { answerOperatorRoute } from "../../observability/metrics-endpoint.js";
import type { ReadinessReport } from "../../observability/readiness.js";
import type { Services } from "../../services.js";
import type { RequestContext } from "../context.js";
import { databaseUnavailableStatus } from "../database-unavailable.js";
import { createErrorFormatter } from "../format-error.js";
import { createRequestLimits } from "../limits/request-limits.js";
import { queuedDeliveriesRule } from "../limits/queued-deliveries-rule.js";
import { queryCostPlugin } from "../query-limits.js";
import { storableVariablesPlugin } from "../input/storable-input.js";
import { createRestHandler } from "../rest/rest-handler.js";
import { createGraphqlHandler } from "./graphql-handler.js";
import { createRequestObserver } from "./request-observer.js";
import { graphqlTracingPlugin, traceRequest } from "./request-tracing.js";
import { sendJson } from "./send-json.js";
import { wantsPage, webAppFiles } from "./web-apps.js";

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:4000 — the address actually bound (port 0 resolved). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The HTTP edge: /graphql (the API; the playground for a browser), /v1/… (doo's REST management
 * API), /console/ (the web console), /playground/ (the playground's files), and the operator's
 * /health, /ready and /metrics (docs/metrics-and-readiness.md).
 */
export async function startHttpServer(
  services: Services,
  where: { host: string; port: number },
  operator: { ready: () => Promise<ReadinessReport> },
): Promise<RunningHttpServer> {
  const server = http.createServer();
  const observer = createRequestObserver(services);
  const apollo = new ApolloServer<RequestContext>({
    schema: services.builtInSchema.schema,
    introspection: true,
    // hookgate's own handler stops the process; Apollo's would re-raise the signal and race it.
    stopOnTerminationSignals: false,
    // hookgate's query limits (query-limits.ts): tokens while parsing, depth, aliases and
    // directives while validating, the objects bound once the variables are known; and the cap on
    // deliveries one request may queue.
    parseOptions: services.builtInSchema.limits.parseOptions,
    validationRules: [...services.builtInSchema.limits.rules, queuedDeliveriesRule(services.config.maxQueuedPerRequest)],
    includeStacktraceInErrorResponses: services.config.development,
    formatError: createErrorFormatter({ development: services.config.development, logger: services.logger, schema: services.builtInSchema.schema }),
    plugins: [
      queryCostPlugin(services.builtInSchema.limits),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      databaseUnavailableStatus,
      storableVariablesPlugin(),
      observer.plugin,
      graphqlTracingPlugin,
      // Apollo's landing page loads its playground from Apollo's CDN; hookgate serves its own
      // (web/playground), so the playground works offline and no request leaves this origin.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  const limits = observer.limits(createRequestLimits(services));
  const graphql = createGraphqlHandler(apollo, services, limits);
  const rest = createRestHandler(services, limits);

  const playground = webAppFiles("playground");
  const webConsole = webAppFiles("console");
  const { config } = services;
  const operatorRoutes = { metrics: services.metrics, token: config.metricsToken, ready: operator.ready };
  const route = async (request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<void> => {
    const { pathname } = url;
    if (pathname === "/graphql") {
      if (config.playground && wantsPage(request)) return playground.page(request, response);
      observer.begin(request, response, "graphql");
      return traceRequest(request, response, "/graphql", () => graphql(request, response, url));
    }
    if (pathname === "/v1" || pathname.startsWith("/v1/")) {
      observer.begin(request, response, "rest");
      return traceRequest(request, response, "/v1", () => rest(request, response, url));
    }
    if (await answerOperatorRoute(operatorRoutes, request, response, pathname)) return;
    if (config.playground && pathname.startsWith("/playground/")) return playground.file(request, response, url, { routes: false });
    if (config.console && pathname.startsWith("/console/")) return webConsole.file(request, response, url, { routes: true });
    if (config.console && (pathname === "/console" || (pathname === "/" && wantsPage(request)))) return Promise.resolve(redirect(response, "/console/"));
    return Promise.resolve(sendJson(response, 404, { error: `no route for ${pathname}; the API is at /graphql` }));
  };

  server.on("request", (request, response) => {
    route(request, response, new URL(request.url ?? "/", "http://hookgate.invalid")).catch((error: unknown) => {
      services.logger.error({ err: error, requestId: response.getHeader("x-request-id") }, "request failed");
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: "Internal server error" }] });
      else response.destroy();
    });
  });

  const url = await listenOn(server, where);
  return {
    url,
    close: () => apollo.stop(),
  };
}

function redirect(response: http.ServerResponse, location: string): void {
  response.writeHead(308, { location, "content-type": "text/plain; charset=utf-8" });
  response.end(`See ${location}\n`);
}
