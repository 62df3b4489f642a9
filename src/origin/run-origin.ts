import { type GraphQLError, print } from "graphql";
import { GraphQLClient } from "graphql-request";
import type { Dispatcher } from "undici";
import { HookgateError, InputError } from "../errors.js";
import { guardedFetch } from "../outbound/guarded-fetch.js";
import type { BuiltInSchema } from "./built-in-schema.js";
import { parseOriginQuery, type OriginDocumentCache } from "./origin-document.js";
import { parseOriginRequest, type OriginRequest } from "./origin-request.js";
import { substituteInDocument, substitutePlaceholders, type PlaceholderValues } from "./placeholders.js";

/**
 * The origin could not answer (unreachable, 5xx, past its time budget, refused by the query
 * limits, an internal failure): the attempt fails and is retried.
 */
export class OriginUnavailableError extends Error {}

/** What running origin queries needs, shared by every run in a process. */
export interface OriginRunner {
  readonly builtInSchema: BuiltInSchema;
  /** Parsed, validated documents of the built-in schema, by query text. */
  readonly documents: OriginDocumentCache;
  /** Remote origins are fetched through the guarded outbound path. */
  readonly outbound: Dispatcher;
  /** A remote origin's whole answer must arrive within this. */
  readonly timeoutMs: number;
  /** A built-in execution starts no database statement past this (HOOKGATE_ORIGIN_TIMEOUT). */
  readonly builtInTimeoutMs: number;
}

/** One hook's origin, for one publication. */
export interface OriginCall {
  /** The stored origin body: a JSON-encoded GraphQL request. */
  readonly body: string;
  /** Null: the built-in schema. */
  readonly remoteEndpoint: string | null;
  readonly organizationId: string;
  readonly values: PlaceholderValues;
}

/** A stored origin (`target` null or BUILT_IN: the built-in schema) and the ids of one publication. */
export function originCall(
  origin: { body: string; target: "BUILT_IN" | "REMOTE" | null; endpoint: string | null },
  ids: { organizationId: string; eventId: string | null; orderId: string | null; eventGuideId: string | null },
): OriginCall {
  return {
    body: origin.body,
    remoteEndpoint: origin.target === "REMOTE" ? origin.endpoint : null,
    organizationId: ids.organizationId,
    values: ids,
  };
}

export interface OriginAnswer {
  /** The GraphQL response as the origin gave it: the payload. */
  body: string;
  /** GraphQL errors inside that answer, noted on the attempt; the payload is still delivered. */
  errors: readonly { message: string }[] | null;
}

/**
 * Runs a hook's origin query with the publication's ids substituted as values. The built-in
 * schema runs in-process on a cached, validated document, read-only and scoped to the organization.
 */
export async function runOrigin(runner: OriginRunner, call: OriginCall): Promise<OriginAnswer> {
  const request = parseOriginRequest(call.body, "origin.body");
  const { variables } = substitutePlaceholders(request, call.values);
  if (call.remoteEndpoint === null) {
    const document = substituteInDocument(checkedDocument(runner, call.body, request), call.values);
    const signal = AbortSignal.timeout(runner.builtInTimeoutMs);
    const execution = runner.builtInSchema.execute({
      organizationId: call.organizationId,
      document,
      variables,
      operationName: request.operationName,
      signal,
    });
    const result = await withinBudget(execution, signal, runner.builtInTimeoutMs);
    const errors = result.errors ?? null;
    // Not-found and input errors belong to the payload; a crash (database down) is ours to retry.
    const internal = errors?.find((error) => !(error.originalError instanceof HookgateError) && error.originalError);
    if (internal) throw new OriginUnavailableError(`the built-in origin failed: ${internal.message}`);
    return { body: JSON.stringify(errors ? { data: result.data ?? null, errors: errors.map(publicError) } : result), errors };
  }
  const document = substituteInDocument(parseOriginQuery(request.query, "origin.body"), call.values);
  const client = new GraphQLClient(call.remoteEndpoint, {
    errorPolicy: "all",
    signal: AbortSignal.timeout(runner.timeoutMs),
    fetch: guardedFetch(runner.outbound),
  });
  try {
    const answer = await client.rawRequest(print(document), variables, undefined);
    const errors = answer.errors ?? null;
    const body = JSON.stringify(errors ? { data: answer.data ?? null, errors } : { data: answer.data ?? null });
    return { body, errors: errors as readonly { message: string }[] | null };
  } catch (error) {
    throw new OriginUnavailableError(`origin ${call.remoteEndpoint} failed: ${describe(error)}`);
  }
}

/**
 * The cached, validated document, with the objects bound checked for these variables. A stored
 * query the limits refuse (stored before they held, or since tightened) fails the attempt, saying
 * why, instead of building its payload.
 */
function checkedDocument(runner: OriginRunner, body: string, request: OriginRequest) {
  try {
    return runner.documents.getChecked(body, request);
  } catch (error) {
    if (error instanceof InputError) throw new OriginUnavailableError(`the stored origin query is refused: ${error.message}`);
    throw error;
  }
}

/**
 * The execution's answer, or a clear failure once the budget has passed: then its resolvers start
 * no more statements (the signal), and nobody waits for the one still running.
 */
async function withinBudget<T>(execution: Promise<T>, signal: AbortSignal, budgetMs: number): Promise<T> {
  const overBudget = () => new OriginUnavailableError(`the built-in origin query ran past its time budget of ${budgetMs} ms and was stopped; ask for less data`);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(overBudget());
    signal.addEventListener("abort", onAbort, { once: true });
  });
  // Whichever loses the race settles unobserved.
  aborted.catch(() => {});
  execution.catch(() => {});
  try {
    const result = await Promise.race([execution, aborted]);
    // Finished in the same turn as the budget ran out: some fields may have been refused.
    if (signal.aborted) throw overBudget();
    return result;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** The first line of why: undici's fetch reports the socket's refusal (the address guard) as its cause. */
function describe(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return (cause && !message.includes(cause) ? `${message} (${cause})` : message).slice(0, 500);
}

function publicError(error: GraphQLError) {
  const code = (error.originalError as HookgateError | undefined)?.code;
  return { message: error.message, path: error.path, extensions: code ? { code } : undefined };
}
