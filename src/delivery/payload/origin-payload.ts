import { execute, type GraphQLError, print } from "graphql";
import { GraphQLClient } from "graphql-request";
import { createRequestContext } from "../../api/context.js";
import { HookgateError } from "../../errors.js";
import { parseOriginQuery, type OriginDocumentCache } from "../../origin/origin-document.js";
import { parseOriginRequest } from "../../origin/origin-request.js";
import { substituteInDocument, substitutePlaceholders, type PlaceholderValues } from "../../origin/placeholders.js";
import type { Services } from "../../services.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";

/** The origin could not answer (unreachable, 5xx, an internal failure): the attempt fails and is retried. */
export class OriginUnavailableError extends Error {}

export interface OriginAnswer {
  /** The GraphQL response as the origin gave it: the payload. */
  body: string;
  /** GraphQL errors inside that answer, noted on the attempt; the payload is still delivered. */
  errors: readonly { message: string }[] | null;
}

/**
 * Runs a hook's origin query with the delivery's ids substituted as values. The built-in schema
 * runs in-process on a cached, validated document, read-only and scoped to the organization.
 */
export async function runOrigin(
  services: Services,
  documents: OriginDocumentCache,
  delivery: DeliveryToSend,
  timeoutMs: number,
): Promise<OriginAnswer> {
  const request = parseOriginRequest(delivery.origin_body ?? "", "origin.body");
  const values: PlaceholderValues = {
    eventId: delivery.event_id,
    orderId: delivery.order_id,
    eventGuideId: delivery.event_guide_id,
    organizationId: delivery.organization_id,
  };
  const { variables } = substitutePlaceholders(request, values);
  if (delivery.origin_target === "BUILT_IN" || delivery.origin_endpoint === null) {
    const document = substituteInDocument(documents.get(request.query), values);
    const result = await execute({
      schema: services.schema,
      document,
      variableValues: variables,
      operationName: request.operationName ?? undefined,
      contextValue: createRequestContext(services, {
        caller: { organizationId: delivery.organization_id, role: "VIEWER", apiKeyId: "origin" },
        operator: false,
        rejected: false,
      }),
    });
    const errors = result.errors ?? null;
    // Not-found and input errors belong to the payload; a crash (database down) is ours to retry.
    const internal = errors?.find((error) => !(error.originalError instanceof HookgateError) && error.originalError);
    if (internal) throw new OriginUnavailableError(`the built-in origin failed: ${internal.message}`);
    return { body: JSON.stringify(errors ? { data: result.data ?? null, errors: errors.map(publicError) } : result), errors };
  }
  const document = substituteInDocument(parseOriginQuery(request.query, "origin.body"), values);
  const client = new GraphQLClient(delivery.origin_endpoint, {
    errorPolicy: "all",
    signal: AbortSignal.timeout(timeoutMs),
    // The operator allowed this endpoint, not wherever it redirects to: a 3xx is a failure.
    fetch: (url: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(url, { ...init, redirect: "error" }),
  });
  try {
    const answer = await client.rawRequest(print(document), variables, undefined);
    const errors = answer.errors ?? null;
    const body = JSON.stringify(errors ? { data: answer.data ?? null, errors } : { data: answer.data ?? null });
    return { body, errors: errors as readonly { message: string }[] | null };
  } catch (error) {
    throw new OriginUnavailableError(`origin ${delivery.origin_endpoint} failed: ${(error as Error).message.slice(0, 500)}`);
  }
}

function publicError(error: GraphQLError) {
  const code = (error.originalError as HookgateError | undefined)?.code;
  return { message: error.message, path: error.path, extensions: code ? { code } : undefined };
}
