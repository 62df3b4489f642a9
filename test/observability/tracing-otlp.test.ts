import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type RunningTracing, startTracing } from "../../src/observability/tracing.js";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup } from "../support/fixtures.js";
import { startReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// The production path: OTEL_* variables, the OTLP/HTTP exporter, batched spans, to a collector on
// loopback (a receiver standing in for Jaeger's or an OpenTelemetry Collector's port 4318). JSON
// here, so the test can read every span; tracing-transports.test.ts sends the other transports.
const collector = await startReceiver();
const partner = await startReceiver();
const env = {
  OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  OTEL_SERVICE_NAME: "hookgate-eu",
  OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=test",
  // Batches leave every 100 ms rather than every 5 s, so the test waits for them, not for a timer.
  OTEL_BSP_SCHEDULE_DELAY: "100",
};
let tracing: RunningTracing | null = null;
beforeAll(async () => {
  // The SDK reads the OTEL_* variables itself, as it does in `npm start`.
  Object.assign(process.env, env);
  tracing = await startTracing(loadConfig(env).tracing);
});
afterAll(async () => {
  await tracing?.shutdown();
  for (const name of Object.keys(env)) delete process.env[name];
  await collector.close();
  await partner.close();
});

const app = useTestApp({}, { worker: true });

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string };
}

describe("tracing to an OTLP collector", () => {
  it("exports the request, publication and delivery spans over OTLP/HTTP, under OTEL_SERVICE_NAME", async () => {
    expect(tracing).not.toBeNull();
    await createGroup(app, { name: "exported", hooks: [{ type: "EVENT_CREATED", endpoint: `${partner.url}/exported` }] });
    await createEvent(app, { title: "Exported Fest" });
    const [delivered] = await partner.waitFor(1);
    expect(delivered!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const exported = () => {
      const exports = collector.requests.filter((request) => request.path === "/v1/traces" && request.method === "POST");
      return exports.flatMap((request) => JSON.parse(request.body).resourceSpans as any[]);
    };
    const resourceSpans = await eventually(exported, (found) => JSON.stringify(found).includes('"deliver event_created"'), {
      what: "the round's span at the collector",
    });
    expect(collector.requests[0]!.headers["content-type"]).toContain("application/json");
    const resource = Object.fromEntries(
      (resourceSpans[0].resource.attributes as OtlpAttribute[]).map(({ key, value }) => [key, value.stringValue ?? value.intValue]),
    );
    expect(resource).toMatchObject({ "service.name": "hookgate-eu", "deployment.environment.name": "test" });

    const spans = resourceSpans.flatMap((entry) => entry.scopeSpans.flatMap((scope: any) => scope.spans as any[]));
    const names = spans.map((span) => span.name as string);
    for (const name of ["mutation createEvent", "publish event_created", "deliver event_created", "payload", "send", "record"]) {
      expect(names).toContain(name);
    }
    // The partner's traceparent names the exported send span.
    const [, traceId, spanId] = delivered!.headers.traceparent!.toString().split("-");
    const send = spans.find((span) => span.name === "send" && span.spanId === spanId);
    expect(send?.traceId).toBe(traceId);
    expect(spans.find((span) => span.name === "mutation createEvent").traceId).toBe(traceId);
  });
});
