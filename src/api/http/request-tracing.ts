import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { propagation, ROOT_CONTEXT, SpanKind } from "@opentelemetry/api";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from "@opentelemetry/semantic-conventions";
import { Kind, type OperationDefinitionNode } from "graphql";
import { failed, inSpan, requestSpan } from "../../observability/spans.js";
import { tracingOn } from "../../observability/tracing.js";

/**
 * One span per API request (/graphql and the REST routes; not the web apps' files or /health),
 * named by what it did once that is known: `mutation createEvent`, `GET /v1/team/{team_id}/webhooks`.
 * A caller's own `traceparent` (or what OTEL_PROPAGATORS reads) makes it the request's parent, so
 * a platform's trace continues through hookgate to the partners.
 */
export function traceRequest(request: IncomingMessage, response: ServerResponse, route: string, serve: () => Promise<void>): Promise<void> {
  if (!tracingOn()) return serve();
  const method = request.method ?? "GET";
  const start = {
    kind: SpanKind.SERVER,
    parent: propagation.extract(ROOT_CONTEXT, request.headers),
    request: true,
    attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: route },
  };
  return inSpan(`${method} ${route}`, start, async (span) => {
    await serve();
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
    // A refusal (4xx) is the caller's mistake, not hookgate's failure (OpenTelemetry's HTTP server conventions).
    if (response.statusCode >= 500) failed(span, String(response.statusCode));
  });
}

/** A REST request's span, named by its route's template (ids left out, so names stay few). */
export function nameRestRequest(method: string, template: string): void {
  const span = requestSpan();
  span.updateName(`${method} ${template}`);
  span.setAttribute(ATTR_HTTP_ROUTE, template);
}

/**
 * Names a GraphQL request's span by its operation, as OpenTelemetry's GraphQL conventions do:
 * `mutation CreateEvent`; an anonymous operation by its root fields instead (`mutation createEvent`).
 * Neither the document nor the variables go into the trace.
 */
export const graphqlTracingPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    if (!tracingOn()) return;
    return {
      async didResolveOperation({ operation, operationName }) {
        if (!operation) return;
        const span = requestSpan();
        const type = operation.operation;
        span.updateName(`${type} ${operationName ?? rootFields(operation)}`.trim());
        span.setAttribute("graphql.operation.type", type);
        if (operationName) span.setAttribute("graphql.operation.name", operationName);
      },
    };
  },
};

function rootFields(operation: OperationDefinitionNode): string {
  const names = [
    ...new Set(operation.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : []))),
  ];
  return names.length > 3 ? `${names.slice(0, 3).join(",")},…` : names.join(",");
}
