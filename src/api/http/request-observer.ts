import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { RateLimitedError } from "../../errors.js";
import type { ApiOperationType } from "../../observability/metrics.js";
import type { Services } from "../../services.js";
import type { Credentials, RequestContext } from "../context.js";
import type { RequestLimits } from "../limits/request-limits.js";

/** What is learnt about one API request while it is answered. */
interface Note {
  operationType: ApiOperationType;
  operationName?: string;
  apiKeyId?: string;
  organizationId?: string;
  operator?: boolean;
}

/**
 * Each API request (/graphql, /v1/…) logged once, at info, when its answer is finished, and timed
 * into hookgate_api_request_duration_seconds; refusals of the request limits counted in
 * hookgate_rate_limited_total. The line names the request (method, path without its query —
 * a GET's query string may hold variables —, the GraphQL operation's type and name), its answer
 * (status, duration) and whose it was (API key id, organization id), and a request id that is also
 * sent back as `x-request-id`. Never a header value, a body or a variable.
 */
export function createRequestObserver(services: Services) {
  const { logger, metrics } = services;
  const notes = new WeakMap<IncomingMessage, Note>();
  // The Apollo plugin sees the request's context, not the request: the credentials object each
  // request gets of its own (see `limits`) leads back to its note.
  const byCredentials = new WeakMap<Credentials, Note>();

  return {
    begin(request: IncomingMessage, response: ServerResponse, kind: "graphql" | "rest"): void {
      const started = performance.now();
      const requestId = requestIdOf(request);
      response.setHeader("x-request-id", requestId);
      const note: Note = { operationType: kind === "rest" ? "rest" : "unknown" };
      notes.set(request, note);
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        metrics.apiRequest(note.operationType, durationMs);
        const path = (request.url ?? "/").split("?")[0];
        const status = response.writableFinished ? response.statusCode : null;
        logger.info({ requestId, method: request.method, path, ...note, status, durationMs }, "api request");
      };
      response.once("finish", end);
      response.once("close", end);
    },

    /** The request limits, noting whose request it is and counting their refusals. */
    limits(inner: RequestLimits): RequestLimits {
      return {
        async admit(request) {
          let credentials: Credentials;
          try {
            credentials = await inner.admit(request);
          } catch (error) {
            if (error instanceof RateLimitedError) metrics.rateLimited();
            throw error;
          }
          const note = notes.get(request);
          // A copy per request: `authenticate` shares one object among anonymous requests.
          const own: Credentials = { ...credentials };
          if (note) {
            if (own.caller) Object.assign(note, { apiKeyId: own.caller.apiKeyId, organizationId: own.caller.organizationId });
            if (own.operator) note.operator = true;
            byCredentials.set(own, note);
          }
          return own;
        },
      };
    },

    plugin: {
      async requestDidStart({ contextValue }) {
        const note = byCredentials.get(contextValue.credentials);
        if (!note) return;
        return {
          async didResolveOperation({ operation, operationName }) {
            if (operation) note.operationType = operation.operation;
            if (operationName) note.operationName = operationName.slice(0, 100);
          },
        };
      },
    } satisfies ApolloServerPlugin<RequestContext>,
  };
}

export type RequestObserver = ReturnType<typeof createRequestObserver>;

/** A proxy's request id is kept (one id across the hops) when it looks like one; otherwise a new one. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}
