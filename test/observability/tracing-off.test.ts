import { randomUUID } from "node:crypto";
import { trace } from "@opentelemetry/api";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { inSpan, traceparent } from "../../src/observability/spans.js";
import { startTracing, tracingOn } from "../../src/observability/tracing.js";
import { insertPublicationsWithDeliveries } from "../../src/store/publication.repository.js";
import { waitForDelivery } from "../support/delivery-log.js";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// This file never starts tracing: it is what every process without OTEL_EXPORTER_OTLP_ENDPOINT runs.
const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

describe("tracing settings", () => {
  it("is off without an OTLP endpoint, and on with one (the traces-only endpoint too)", () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_SERVICE_NAME: "gateway" }).tracing).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).tracing).toEqual({
      endpoint: "http://collector:4318",
      serviceName: "hookgate",
      protocol: "http/protobuf",
      sdkLogsToConsole: false,
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector.example/v1/traces", OTEL_SERVICE_NAME: "gateway" }).tracing,
    ).toEqual({ endpoint: "https://collector.example/v1/traces", serviceName: "gateway", protocol: "http/protobuf", sdkLogsToConsole: false });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }).tracing).toBeNull();
  });

  it("refuses an endpoint that is not an http(s) URL, naming the variable", () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317" })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317" })).toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT: /);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "grpc://collector" })).toThrow(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: /);
  });

  it("takes the transport from OTEL_EXPORTER_OTLP_PROTOCOL (the traces-only one first), and refuses one OpenTelemetry does not name", () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4317" };
    expect(loadConfig({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }).tracing?.protocol).toBe("grpc");
    expect(loadConfig({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).tracing?.protocol).toBe("http/json");
    expect(loadConfig({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" }).tracing?.protocol).toBe(
      "http/protobuf",
    );
    expect(() => loadConfig({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: "http" })).toThrow(
      'OTEL_EXPORTER_OTLP_PROTOCOL: expected http/protobuf, http/json, grpc, got "http"',
    );
    expect(() => loadConfig({ ...on, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "json" })).toThrow(/^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: /);
    // Off, the transport is not read at all.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: "nonsense" }).tracing).toBeNull();
  });
});

describe("with tracing off", () => {
  it("starts nothing: no SDK, no recording tracer, no traceparent", async () => {
    expect(await startTracing(loadConfig({}).tracing)).toBeNull();
    expect(tracingOn()).toBe(false);
    // The API's global tracer is still the no-op one: nothing was registered.
    expect(trace.getTracer("anyone").startSpan("probe").isRecording()).toBe(false);
    const seen = await inSpan("probe", {}, (span) => ({ recording: span.isRecording(), traceparent: traceparent() }));
    expect(seen).toEqual({ recording: false, traceparent: null });
  });

  it("sends partners no traceparent header, and stores none", async () => {
    const { webhookGroup } = await createGroup(app, { name: "untraced", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/untraced` }] });
    // A caller's own trace context changes nothing either.
    const event = await app.graphql(
      `mutation { createEvent(input: { title: "Quiet", startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`,
      {},
      { key: app.adminKey, headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } },
    );
    expect(event.errors).toBeUndefined();
    const [request] = await receiver.waitFor(1);
    expect(request!.headers["webhook-id"]).toBeDefined();
    expect(request!.headers.traceparent).toBeUndefined();
    expect(request!.headers.tracestate).toBeUndefined();

    const { rows } = await sql<{ traceparent: string | null }>`
      select traceparent from deliveries where webhook_group_id = ${webhookGroup.id}`.execute(app.db);
    expect(rows).toEqual([{ traceparent: null }]);
    // The receiver has the request before the worker has recorded its answer.
    const logged = await waitForDelivery(app, request!.headers["webhook-id"] as string, (delivery) => delivery.attempts.length === 1);
    expect(Object.keys(logged.attempts[0]!.requestHeaders)).not.toContain("traceparent");
  });

  it("leaves a stored traceparent unused: a delivery queued by a traced instance is sent without one here", async () => {
    const { webhookGroup } = await createGroup(app, { name: "queued traced", hooks: [{ type: "EVENT_UPDATED", endpoint: `${receiver.url}/queued` }] });
    const event = await createEvent(app, { title: "Queued while traced" });
    // What an API process with tracing on writes: the publishing span's context on each delivery.
    const [outcome] = await insertPublicationsWithDeliveries(app.db, [
      {
        publicationId: randomUUID(),
        organizationId: app.defaultOrganizationId,
        type: "EVENT_UPDATED",
        eventId: event.id,
        orderId: null,
        eventGuideId: null,
        occurredAt: null,
        dataJson: null,
        external: false,
        idempotencyKey: null,
        mode: "LIVE",
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      },
    ]);
    expect(outcome!.deliveryCount).toBe(1);
    const [sent] = await eventually(
      () => receiver.requests.filter((request) => request.path === "/queued"),
      (found) => found.length > 0,
      { what: "the POST to /queued" },
    );
    expect(sent!.headers["webhook-id"]).toBeDefined();
    expect(sent!.headers.traceparent).toBeUndefined();
    const { rows } = await sql<{ traceparent: string | null }>`
      select traceparent from deliveries where webhook_group_id = ${webhookGroup.id}`.execute(app.db);
    expect(rows).toEqual([{ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }]);
  });
});
