import type { TestApp } from "./test-app.js";

/** Everything the delivery log shows about one delivery and its attempts. */
export const deliveryFields = `
  id webhookGroupId hookId type eventId orderId status attemptCount nextAttemptAt createdAt finishedAt
  payload payloadErrors
  attempts {
    number startedAt durationMs requestMethod requestUrl requestHeaders
    responseStatus responseHeaders responseBody responseBodyTruncated error note
  }
`;

export interface LoggedAttempt {
  number: number;
  startedAt: string;
  durationMs: number;
  requestMethod: string;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseBodyTruncated: boolean;
  error: string | null;
  note: string | null;
}

export interface LoggedDelivery {
  id: string;
  webhookGroupId: string;
  hookId: string;
  type: string;
  eventId: string | null;
  orderId: string | null;
  status: "PENDING" | "RETRYING" | "SUCCEEDED" | "FAILED" | "GONE";
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  payload: string | null;
  payloadErrors: unknown;
  attempts: LoggedAttempt[];
}

export interface WaitOptions {
  /** The API key of the delivery's organization. Default: the app's admin key. */
  key?: string;
  timeoutMs?: number;
  intervalMs?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One read of the `delivery(id)` query; null when the caller cannot see it. */
export async function readDelivery(app: TestApp, id: string, key = app.adminKey): Promise<LoggedDelivery | null> {
  const result = await app.graphql(`query ($id: ID!) { delivery(id: $id) { ${deliveryFields} } }`, { id }, { key });
  if (result.errors) throw new Error(`delivery(${id}) failed: ${JSON.stringify(result.errors)}`);
  return (result.data?.delivery as LoggedDelivery | null) ?? null;
}

/** Polls `delivery(id)` until `predicate` holds; fails with the last state seen. */
export async function waitForDelivery(
  app: TestApp,
  id: string,
  predicate: (delivery: LoggedDelivery) => boolean,
  { key = app.adminKey, timeoutMs = 20_000, intervalMs = 50 }: WaitOptions = {},
): Promise<LoggedDelivery> {
  const deadline = Date.now() + timeoutMs;
  let last: LoggedDelivery | null = null;
  for (;;) {
    last = await readDelivery(app, id, key);
    if (last && predicate(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`delivery ${id} did not reach the expected state within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
    }
    await sleep(intervalMs);
  }
}

/** The ids of the deliveries matching `filter` (e.g. `{ orderId }`), newest first, waiting until there are `count`. */
export async function waitForDeliveryIds(
  app: TestApp,
  filter: Record<string, string>,
  count = 1,
  { key = app.adminKey, timeoutMs = 20_000, intervalMs = 50 }: WaitOptions = {},
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await app.graphql(
      `query ($filter: DeliveryFilter) { deliveries(filter: $filter, first: 100) { edges { node { id } } } }`,
      { filter },
      { key },
    );
    if (result.errors) throw new Error(`deliveries failed: ${JSON.stringify(result.errors)}`);
    const ids = (result.data?.deliveries.edges as Array<{ node: { id: string } }>).map((edge) => edge.node.id);
    if (ids.length >= count) return ids;
    if (Date.now() > deadline) throw new Error(`expected ${count} deliveries for ${JSON.stringify(filter)}, found ${ids.length}`);
    await sleep(intervalMs);
  }
}

export const isFinished = (delivery: LoggedDelivery) => delivery.finishedAt !== null;
