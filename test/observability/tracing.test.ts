import { SpanKind } from "@opentelemetry/api";
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
function roundsEnded(count: number, type = "event_created") {
  return eventually(() => named(`deliver ${type}`), (rounds) => rounds.length >= count, { what: `${count} round spans` });
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
    const rounds = await roundsEnded(2);

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
    await roundsEnded(2 + 4); // the test before's two rounds, and this event's four (every group takes EVENT_CREATED)
    exporter.reset();

    const input = { type: "EVENT_CREATED", eventId: event.createEvent.id, idempotencyKey: "traced-publication" };
    const first = await graphqlData(app, publishEventMutation, { input });
    const again = await graphqlData(app, publishEventMutation, { input });
    expect(again.publishEvent.duplicate).toBe(true);
    await roundsEnded(4);
    await receiver.waitFor(2 + 4 + 4);

    const publications = named("publish event_created");
    expect(publications.map((span) => span.attributes["hookgate.deliveries.queued"])).toEqual([4, 0]);
    expect(publications[1]!.attributes["hookgate.publication.duplicate"]).toBe(true);
    // Anonymous operations are named by their root field.
    expect(isChildOf(publications[0]!, named("mutation publishEvent")[0]!)).toBe(true);

    const { rows } = await sql<{ traceparent: string | null }>`
      select traceparent from deliveries where publication_id = ${first.publishEvent.publicationId}`.execute(app.db);
    const publishing = publications[0]!.spanContext();
    expect(rows.map((row) => row.traceparent)).toEqual(Array(4).fill(`00-${publishing.traceId}-${publishing.spanId}-01`));
  });

  it("puts sendTestDelivery's POST in the trace of the request that asked for it", async () => {
    const [groupId] = await twoGroups(["/test-e", "/test-f"]);
    exporter.reset();
    const before = receiver.requests.length;
    await graphqlData(app, `mutation ($groupId: ID!) { sendTestDelivery(groupId: $groupId, hookType: EVENT_CREATED, payload: { hello: "partner" }) { id } }`, {
      groupId,
    });
    const [sent] = (await receiver.waitFor(before + 1)).slice(before);
    const [request] = named("mutation sendTestDelivery");
    expect(sent!.headers.traceparent).toMatch(new RegExp(`^00-${request!.spanContext().traceId}-[0-9a-f]{16}-01$`));
    const [round] = await roundsEnded(1);
    expect(isChildOf(round!, request!)).toBe(true);
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
