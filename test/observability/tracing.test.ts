import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing, type RunningTracing } from "../../src/observability/tracing.js";
import { readDelivery } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { clientSecret, createGroup, groupInput, publishEventMutation } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { graphqlData, useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";

// Spans go to memory, through the SDK set up as in production: registered before the app starts,
// unregistered after it stopped (vitest runs afterAll hooks last-registered first).
const exporter = new InMemorySpanExporter();
let tracing: RunningTracing | null = null;
beforeAll(async () => {
  tracing = await startTracing(null, { exporter });
});
afterAll(() => tracing?.shutdown());

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
const tokens = useTokenEndpoint();
/** A partner of its own for the retry test, so its answers are not taken by other groups' requests. */
const flaky = useReceiver();

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((span) => span.name === name);
const childrenOf = (parent: ReadableSpan) => spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
const isChildOf = (span: ReadableSpan, parent: ReadableSpan) =>
  span.spanContext().traceId === parent.spanContext().traceId && span.parentSpanContext?.spanId === parent.spanContext().spanId;

/** Two groups that authenticate with OAuth, each with an EVENT_CREATED hook to its own path. */
async function twoGroups(paths: [string, string]) {
  const created = [];
  for (const path of paths) {
    const input = groupInput({
      name: `traced ${path}`,
      hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}${path}` }],
      authentication: { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret } },
    });
    created.push((await createGroup(app, input)).webhookGroup.id as string);
  }
  return created;
}

/** Waits until `count` rounds have ended (a round's span ends after its record and group-health steps). */
/** Waits until `count` round spans that are children of `parent` have ended, and answers them in the order they ended. */
async function roundsUnder(parent: ReadableSpan, count: number): Promise<ReadableSpan[]> {
  const rounds = () => spans().filter((span) => span.name.startsWith("deliver ") && isChildOf(span, parent));
  // Polls a count: spans do not print.
  await eventually(() => rounds().length, (ended) => ended >= count, { what: `${count} round spans under ${parent.name}` });
  return rounds();
}

describe("tracing with an in-memory exporter", () => {
  it("follows one createEvent from the API request through its publication to each group's POST, in one trace", async () => {
    const groupIds = await twoGroups(["/a", "/b"]);
    exporter.reset();
    const requestsBefore = receiver.requests.length;

    await graphqlData(app, `mutation CreateFestival($input: CreateEventInput!) { createEvent(input: $input) { id } }`, {
      input: { title: "Traced Fest", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" },
    });
    const received = (await receiver.waitFor(requestsBefore + 2)).slice(requestsBefore);

    const [request] = named("mutation CreateFestival");
    expect(request, `span names: ${spans().map((span) => span.name)}`).toBeDefined();
    expect(request!.kind).toBe(SpanKind.SERVER);
    expect(request!.attributes).toMatchObject({
      "graphql.operation.type": "mutation",
      "graphql.operation.name": "CreateFestival",
      "http.request.method": "POST",
      "http.route": "/graphql",
      "http.response.status_code": 200,
    });
    expect(request!.resource.attributes["service.name"]).toBe("hookgate");

    const [publication] = named("publish event_created");
    expect(isChildOf(publication!, request!)).toBe(true);
    expect(publication!.kind).toBe(SpanKind.PRODUCER);
    const rounds = await roundsUnder(publication!, 2);
    expect(publication!.attributes).toMatchObject({ "hookgate.deliveries.queued": 2, "hookgate.publication.type": "event_created" });

    const traceId = request!.spanContext().traceId;
    for (const partnerRequest of received) {
      // webhook-id is the delivery id: the round that sent this request says so.
      const deliveryId = partnerRequest.headers["webhook-id"];
      const round = rounds.find((span) => span.attributes["hookgate.delivery.id"] === deliveryId);
      expect(round, `a round span for delivery ${deliveryId}`).toBeDefined();
      expect(isChildOf(round!, publication!)).toBe(true);
      expect(round!.kind).toBe(SpanKind.CONSUMER);
      expect(round!.attributes).toMatchObject({
        "hookgate.hook.type": "event_created",
        "hookgate.delivery.attempt": 1,
        "hookgate.delivery.round": 1,
        "hookgate.delivery.outcome": "succeeded",
        "http.response.status_code": 200,
      });
      expect(groupIds).toContain(round!.attributes["hookgate.webhook_group.id"]);

      const steps = childrenOf(round!);
      expect(steps.map((step) => step.name).sort()).toEqual(["payload", "record", "send", "token"]);
      expect(steps.every((step) => step.spanContext().traceId === traceId)).toBe(true);
      const send = steps.find((step) => step.name === "send")!;
      expect(send.attributes).toMatchObject({ "http.request.method": "POST", "http.response.status_code": 200, "server.address": "127.0.0.1" });
      // The partner got the send span's own context: its trace id is the API request's.
      expect(partnerRequest.headers.traceparent).toBe(`00-${traceId}-${send.spanContext().spanId}-01`);

      // The attempt log shows it too, so a log entry leads to its trace.
      const logged = await readDelivery(app, deliveryId as string);
      expect(logged!.attempts[0]!.requestHeaders.traceparent).toBe(partnerRequest.headers.traceparent);
    }
    expect(new Set(received.map(groupOf))).toEqual(new Set(groupIds));

    // Ids, types and statuses only: no URL path, token, secret or body in any span.
    const everything = JSON.stringify(spans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })));
    for (const secret of [tokens.lastToken, clientSecret, "Traced Fest", receiver.url, "/oauth/token", "x-api-key", app.adminKey]) {
      expect(everything).not.toContain(secret);
    }

    function groupOf(partnerRequest: { headers: Record<string, unknown> }) {
      return rounds.find((span) => span.attributes["hookgate.delivery.id"] === partnerRequest.headers["webhook-id"])!.attributes[
        "hookgate.webhook_group.id"
      ];
    }
  });

  it("gives publishEvent's fan-out a span, stores its context on each delivery, and marks a duplicate", async () => {
    await twoGroups(["/c", "/d"]);
    const event = await graphqlData(app, `mutation { createEvent(input: { title: "Published", startDate: "2027-07-01T18:00:00Z", endDate: "2027-07-02T02:00:00Z" }) { id } }`);

    const input = { type: "EVENT_CREATED", eventId: event.createEvent.id, idempotencyKey: "traced-publication" };
    const first = await graphqlData(app, publishEventMutation, { input });
    const again = await graphqlData(app, publishEventMutation, { input });
    expect(again.publishEvent.duplicate).toBe(true);
    const queued = first.publishEvent.deliveryCount as number;
    expect(queued).toBeGreaterThanOrEqual(2);

    // Anonymous operations are named by their root field.
    const requests = named("mutation publishEvent");
    expect(requests).toHaveLength(2);
    const [publication, duplicate] = requests.map((request) => named("publish event_created").find((span) => isChildOf(span, request))!);
    expect(publication!.attributes).toMatchObject({ "hookgate.deliveries.queued": queued, "hookgate.publication.id": first.publishEvent.publicationId });
    expect(duplicate!.attributes).toMatchObject({ "hookgate.deliveries.queued": 0, "hookgate.publication.duplicate": true });
    const rounds = await roundsUnder(publication!, queued);
    expect(rounds.every((round) => round.attributes["hookgate.delivery.outcome"] === "succeeded")).toBe(true);

    const { rows } = await sql<{ traceparent: string | null }>`
      select traceparent from deliveries where publication_id = ${first.publishEvent.publicationId}`.execute(app.db);
    const publishing = publication!.spanContext();
    expect(rows.map((row) => row.traceparent)).toEqual(Array(queued).fill(`00-${publishing.traceId}-${publishing.spanId}-01`));
  });

  it("keeps a retried delivery's rounds in the publication's trace, the failed round marked failed", async () => {
    const { webhookGroup } = await createGroup(app, {
      name: "retried",
      hooks: [{ type: "EVENT_REMOVED", endpoint: `${flaky.url}/retried` }],
    });
    const event = await graphqlData(app, `mutation { createEvent(input: { title: "Flaky", startDate: "2027-08-01T18:00:00Z", endDate: "2027-08-02T02:00:00Z" }) { id } }`);
    flaky.answerNext({ status: 500 });
    await graphqlData(app, `mutation ($id: ID!) { removeEvent(id: $id) { id } }`, { id: event.createEvent.id });
    await flaky.waitFor(2);
    const [publication] = named("publish event_removed");
    const rounds = await roundsUnder(publication!, 2);
    expect(rounds.map((round) => round.name)).toEqual(["deliver event_removed", "deliver event_removed"]);
    expect(rounds.map((round) => round.attributes["hookgate.webhook_group.id"])).toEqual([webhookGroup.id, webhookGroup.id]);
    expect(rounds.map((round) => round.attributes["hookgate.delivery.outcome"])).toEqual(["retrying", "succeeded"]);
    expect(rounds.map((round) => round.attributes["hookgate.delivery.attempt"])).toEqual([1, 2]);
    expect(rounds[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(rounds[0]!.attributes["error.type"]).toBe("retrying");
    const failedSend = childrenOf(rounds[0]!).find((step) => step.name === "send")!;
    expect(failedSend.attributes).toMatchObject({ "http.response.status_code": 500, "error.type": "500" });
    // The payload is built once: the retry's comes from the store.
    expect(childrenOf(rounds[1]!).find((step) => step.name === "payload")!.attributes["hookgate.payload.source"]).toBe("stored");
  });

  it("puts sendTestDelivery's POST in the trace of the request that asked for it", async () => {
    const [groupId] = await twoGroups(["/test-e", "/test-f"]);
    const test = await graphqlData(
      app,
      `mutation ($groupId: ID!) { sendTestDelivery(groupId: $groupId, hookType: EVENT_CREATED, payload: { hello: "partner" }) { id } }`,
      { groupId },
    );
    const [request] = named("mutation sendTestDelivery");
    const [round] = await roundsUnder(request!, 1);
    expect(round!.attributes["hookgate.delivery.id"]).toBe(test.sendTestDelivery.id);
    const [sent] = await eventually(
      () => receiver.requests.filter((partnerRequest) => partnerRequest.headers["webhook-id"] === test.sendTestDelivery.id),
      (found) => found.length === 1,
    );
    const send = childrenOf(round!).find((step) => step.name === "send")!;
    expect(sent!.headers.traceparent).toBe(`00-${request!.spanContext().traceId}-${send.spanContext().spanId}-01`);
  });

  it("continues a caller's trace, and names REST requests by their route, without ids", async () => {
    exporter.reset();
    const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    await app.graphql("{ viewer { role } }", {}, { key: app.adminKey, headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` } });
    const [query] = named("query viewer");
    expect(query!.spanContext().traceId).toBe(callerTrace);
    expect(query!.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");

    const response = await fetch(`${app.url}/v1/team/${app.defaultOrganizationId}/webhooks?page=1`, { headers: { "x-api-key": app.adminKey } });
    expect(response.status).toBe(200);
    const rest = await eventually(() => named("GET /v1/team/{team_id}/webhooks"), (found) => found.length === 1);
    expect(rest[0]!.attributes).toMatchObject({ "http.route": "/v1/team/{team_id}/webhooks", "http.response.status_code": 200 });
    expect(JSON.stringify(spans().map((span) => span.name))).not.toContain(app.defaultOrganizationId);
  });
});
