import { sql } from "kysely";
import { eventually } from "./eventually.js";
import type { Receiver } from "./receiver.js";
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
  { key = app.adminKey, timeoutMs, intervalMs }: WaitOptions = {},
): Promise<LoggedDelivery> {
  const delivery = await eventually(
    () => readDelivery(app, id, key),
    (read) => read !== null && predicate(read),
    { timeoutMs, intervalMs, what: `expected state of delivery ${id}` },
  );
  return delivery!;
}

/** The ids of the deliveries matching `filter` (e.g. `{ orderId }`), newest first, waiting until there are `count`. */
export async function waitForDeliveryIds(
  app: TestApp,
  filter: Record<string, string>,
  count = 1,
  { key = app.adminKey, timeoutMs, intervalMs }: WaitOptions = {},
): Promise<string[]> {
  const read = async () => {
    const result = await app.graphql(
      `query ($filter: DeliveryFilter) { deliveries(filter: $filter, first: 100) { edges { node { id } } } }`,
      { filter },
      { key },
    );
    if (result.errors) throw new Error(`deliveries failed: ${JSON.stringify(result.errors)}`);
    return (result.data?.deliveries.edges as Array<{ node: { id: string } }>).map((edge) => edge.node.id);
  };
  return eventually(read, (ids) => ids.length >= count, { timeoutMs, intervalMs, what: `${count} deliveries for ${JSON.stringify(filter)}` });
}

export const isFinished = (delivery: LoggedDelivery) => delivery.finishedAt !== null;

/** Which deliveries `waitUntilSettled` waits for: one group's, one organization's, or (neither) all. */
export interface SettleScope {
  groupId?: string;
  organizationId?: string;
}

/**
 * Waits until every delivery in `scope` is finished and the queue holds no job for any of them.
 * From then on nothing more is sent for them: requests only come from jobs, and a retry is queued
 * in the same transaction that records the failed attempt. Deliveries themselves are written in
 * the transaction of the change that publishes them, so once that change has answered, this is
 * the deterministic "and nothing else arrives" a test can assert after — no grace period.
 */
export async function waitUntilSettled(app: TestApp, scope: SettleScope = {}, timeoutMs = 20_000): Promise<void> {
  const inScope = sql.join(
    [
      sql`true`,
      ...(scope.groupId === undefined ? [] : [sql`d.webhook_group_id = ${scope.groupId}`]),
      ...(scope.organizationId === undefined ? [] : [sql`d.organization_id = ${scope.organizationId}`]),
    ],
    sql` and `,
  );
  const busy = async () => {
    const { rows } = await sql<{ unfinished: string; queued: string }>`
      select (select count(*) from deliveries d where d.finished_at is null and ${inScope}) as unfinished,
             (select count(*) from graphile_worker._private_jobs j
                join deliveries d on d.id = (j.payload->>'deliveryId')::uuid
               -- A job retired by a newer one of its delivery (attempts at the maximum) never runs.
               where j.attempts < j.max_attempts and ${inScope}) as queued`.execute(app.db);
    return { unfinished: Number(rows[0]!.unfinished), queued: Number(rows[0]!.queued) };
  };
  await eventually(busy, ({ unfinished, queued }) => unfinished + queued === 0, {
    timeoutMs,
    intervalMs: 25,
    what: `settled deliveries for ${JSON.stringify(scope)}`,
  }).catch(async (error: Error) => {
    // Which deliveries and jobs are still there, and why a job has not run: the failure says it.
    const { rows } = await sql`
      select d.id, d.status, d.attempt_count, d.next_attempt_at, j.attempts as job_attempts, j.max_attempts,
             j.run_at, j.locked_at, j.locked_by, left(j.last_error, 200) as last_error, now() as now
      from deliveries d left join graphile_worker._private_jobs j on (j.payload->>'deliveryId')::uuid = d.id
      where (d.finished_at is null or j.attempts < j.max_attempts) and ${inScope} limit 5`.execute(app.db);
    throw new Error(`${error.message}\nstill there: ${JSON.stringify(rows)}`);
  });
}

/**
 * The requests `receiver` got about one of `eventIds` (the default payload's event_id), once every
 * delivery is settled: all there will ever be.
 */
export async function requestsAbout(app: TestApp, receiver: Receiver, ...eventIds: string[]) {
  await waitUntilSettled(app);
  return receiver.requests.filter((request) => eventIds.includes(JSON.parse(request.body).event_id));
}
