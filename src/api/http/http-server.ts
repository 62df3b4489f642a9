import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
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
import { sendJson } from "./send-json.js";

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:4000 — the address actually bound (port 0 resolved). */
  readonly url: string;
  close(): Promise<void>;
}

/** The HTTP edge: /graphql (API and playground), /v1/… (doo's REST management API) and /health. */
export async function startHttpServer(services: Services, listen: { host: string; port: number }): Promise<RunningHttpServer> {
  const server = http.createServer();
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
      // The playground integrators compose origin queries in, in every environment.
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();
  const limits = createRequestLimits(services);
  const graphql = createGraphqlHandler(apollo, services, limits);
  const rest = createRestHandler(services, limits);

  server.on("request", (request, response) => {
    const url = new URL(request.url ?? "/", "http://hookgate.invalid");
    const route =
      url.pathname === "/graphql"
        ? graphql(request, response, url)
        : url.pathname === "/v1" || url.pathname.startsWith("/v1/")
          ? rest(request, response, url)
          : url.pathname === "/health"
            ? Promise.resolve(sendJson(response, 200, { status: "ok" }))
            : Promise.resolve(sendJson(response, 404, { error: `no route for ${url.pathname}; the API is at /graphql` }));
    route.catch((error: unknown) => {
      services.logger.error({ err: error }, "request failed");
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: "Internal server error" }] });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host === "0.0.0.0" || listen.host === "::" ? "127.0.0.1" : listen.host;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () => apollo.stop(),
  };
}
