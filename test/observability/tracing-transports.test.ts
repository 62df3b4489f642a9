import http2 from "node:http2";
import { Writable } from "node:stream";
import { diag, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { logTracingProblems, stopLoggingTracingProblems } from "../../src/observability/tracing-problems.js";
import { startTracing } from "../../src/observability/tracing.js";
import { eventually } from "../support/eventually.js";
import { freePort } from "../support/free-port.js";
import { startReceiver } from "../support/receiver.js";

// The transports OTEL_EXPORTER_OTLP_PROTOCOL chooses, each to a collector on loopback, and what an
// operator sees when the collector is not there. The SDK reads the OTEL_* variables from the
// process's environment, as in `npm start`, so each test sets them and puts them back.

const setVariables: string[] = [];
function environment(variables: Record<string, string>): Record<string, string> {
  // Batches leave every 100 ms rather than every 5 s.
  const all = { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_SERVICE_NAME: "hookgate-transports", ...variables };
  Object.assign(process.env, all);
  setVariables.push(...Object.keys(all));
  return all;
}
afterEach(() => {
  for (const name of setVariables.splice(0)) delete process.env[name];
});

/** One finished span, as hookgate's own helpers would make with tracing on. */
function makeSpan(name: string): void {
  trace.getTracer("hookgate").startSpan(name).end();
}

function capturedLog() {
  const lines: Record<string, any>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger("info", { format: "json", destination }) };
}

describe("OTLP transports", () => {
  it("sends protobuf over HTTP by default, OpenTelemetry's own default", async () => {
    const collector = await startReceiver();
    try {
      const env = environment({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
      const tracing = await startTracing(loadConfig(env).tracing);
      makeSpan("deliver order_created");
      await tracing!.shutdown();

      const [exported] = collector.requests.filter((request) => request.path === "/v1/traces");
      expect(exported!.headers["content-type"]).toBe("application/x-protobuf");
      // Protobuf keeps strings as they are: the span's name and the service's are in the bytes.
      expect(exported!.body).toContain("deliver order_created");
      expect(exported!.body).toContain("hookgate-transports");
    } finally {
      await collector.close();
    }
  });

  it("sends over gRPC with OTEL_EXPORTER_OTLP_PROTOCOL=grpc (the collector's port 4317)", async () => {
    const received: { path: string; contentType: string; body: string }[] = [];
    // A gRPC collector's TraceService/Export: HTTP/2 without TLS, an empty answer, status 0 (OK).
    const collector = http2.createServer();
    collector.on("stream", (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({ path: String(headers[":path"]), contentType: String(headers["content-type"]), body: Buffer.concat(chunks).toString("utf8") });
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        // One message of length 0: an ExportTraceServiceResponse with nothing rejected.
        stream.end(Buffer.alloc(5));
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    try {
      const port = (collector.address() as { port: number }).port;
      const env = environment({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
      const tracing = await startTracing(loadConfig(env).tracing);
      makeSpan("deliver event_updated");
      await tracing!.shutdown();

      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        contentType: "application/grpc",
      });
      expect(received[0]!.body).toContain("deliver event_updated");
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it("logs an export nobody answered, once, naming the cause: spans are not lost without a word", async () => {
    const { lines, logger } = capturedLog();
    const port = await freePort();
    const env = environment({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: "300" });
    const tracing = await startTracing(loadConfig(env).tracing, { logger });
    try {
      makeSpan("deliver order_updated");
      const [line] = await eventually(
        () => lines.filter((entry) => entry.msg.startsWith("tracing:")),
        (found) => found.length > 0,
        { timeoutMs: 15_000, what: "the log line of the failed export" },
      );
      expect(line).toMatchObject({ level: 50, problem: expect.stringContaining("ECONNREFUSED") });
      expect(line!.msg).toBe("tracing: OpenTelemetry reported a problem; spans may have been lost");
      // No stack, no page of JSON: one sentence an operator reads.
      expect(line!.problem.length).toBeLessThanOrEqual(301);
      expect(line!.problem).not.toContain("stack");

      // The next failed export, a moment later, is counted, not logged: one line a minute at most.
      makeSpan("deliver order_updated");
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(lines.filter((entry) => entry.msg.startsWith("tracing:"))).toHaveLength(1);
    } finally {
      await tracing!.shutdown().catch(() => {});
    }
  });
});

describe("the SDK's problems in hookgate's log", () => {
  afterEach(() => stopLoggingTracingProblems());

  it("writes at most one line a minute, with how many were left out since the last", () => {
    const { lines, logger } = capturedLog();
    let now = 0;
    logTracingProblems(logger, { now: () => now });
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:4318","stack":"Error: connect ECONNREFUSED\\n    at somewhere"}');
    now = 5_000;
    diag.warn("Export failed with retryable status");
    now = 30_000;
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:4318"}');
    diag.info("not a problem");
    now = 61_000;
    diag.warn("Export failed with retryable status", new Error("503 Service Unavailable"));

    expect(lines.map(({ level, problem, problemsLeftOut }) => ({ level, problem, problemsLeftOut }))).toEqual([
      { level: 50, problem: "connect ECONNREFUSED 127.0.0.1:4318", problemsLeftOut: undefined },
      { level: 40, problem: "Export failed with retryable status 503 Service Unavailable", problemsLeftOut: 2 },
    ]);
  });
});
