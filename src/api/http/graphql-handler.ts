import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import { RateLimitedError } from "../../errors.js";
import type { Services } from "../../services.js";
import { databaseUnavailable, isDatabaseUnavailable } from "../database-unavailable.js";
import { createRequestContext, type Credentials, type RequestContext } from "../context.js";
import type { RequestLimits } from "../limits/request-limits.js";
import { readJsonBody, RequestBodyError } from "./read-body.js";
import { sendJson } from "./send-json.js";

/** Serves /graphql: body read with a size limit, credentials resolved within the request limits, Apollo executes. */
export function createGraphqlHandler(apollo: ApolloServer<RequestContext>, services: Services, limits: RequestLimits) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    let body: unknown;
    if (request.method === "POST") {
      try {
        body = await readJsonBody(request, services.config.maxRequestBytes);
      } catch (error) {
        if (!(error instanceof RequestBodyError)) throw error;
        const code = error.status === 413 ? "BAD_USER_INPUT" : "BAD_REQUEST";
        sendJson(response, error.status, { errors: [{ message: error.message, extensions: { code } }] });
        return;
      }
    }
    let credentials: Credentials;
    try {
      credentials = await limits.admit(request);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        services.logger.warn({ err: error }, "the database did not answer a request's authentication");
        const { status, message, code, retryAfterSeconds } = databaseUnavailable;
        response.setHeader("retry-after", String(retryAfterSeconds));
        sendJson(response, status, { errors: [{ message, extensions: { code } }] });
        return;
      }
      if (!(error instanceof RateLimitedError)) throw error;
      response.setHeader("retry-after", String(error.retryAfterSeconds));
      sendJson(response, 429, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? "GET", headers, search: url.search, body },
      context: async () => createRequestContext(services, credentials),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}
