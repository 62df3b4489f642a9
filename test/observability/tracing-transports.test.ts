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
      const [line] = await tracingLines(lines, 1);
      expect(line).toMatchObject({ level: 50, msg: "tracing: OpenTelemetry reported an error; spans may have been lost" });
      // One sentence an operator reads: no stack, no page of JSON.
      expect(line!.problem).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);

      // The next failed export, a moment later, is counted, not logged: one line a minute at most.
      makeSpan("deliver order_updated");
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(lines.filter(isTracingLine)).toHaveLength(1);
    } finally {
      await tracing!.shutdown().catch(() => {});
    }
    // Written at shutdown: how often it came after the line above.
    expect(lines.filter(isTracingLine).at(-1)).toMatchObject({ timesSinceLastLine: expect.any(Number) });
  });

  it("logs a collector's refusal with its HTTP status, and nothing of its answer's body", async () => {
    const collector = await startReceiver();
    collector.answerAlways({ status: 401, body: "secret-looking body of the collector" });
    const { lines, logger } = capturedLog();
    try {
      const env = environment({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
      const tracing = await startTracing(loadConfig(env).tracing, { logger });
      makeSpan("deliver event_created");
      const [line] = await tracingLines(lines, 1);
      await tracing!.shutdown().catch(() => {});
      expect(line).toMatchObject({ level: 50, problem: "HTTP 401 Unauthorized" });
      expect(JSON.stringify(lines)).not.toContain("secret-looking");
    } finally {
      await collector.close();
    }
  });

  it("logs what the SDK says while it is set up: a gRPC endpoint with a path", async () => {
    const { lines, logger } = capturedLog();
    const port = await freePort();
    const env = environment({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    const tracing = await startTracing(loadConfig(env).tracing, { logger });
    await tracing!.shutdown().catch(() => {});
    expect(lines.filter(isTracingLine)).toContainEqual(
      expect.objectContaining({ level: 40, msg: "tracing: OpenTelemetry reported a warning", problem: expect.stringContaining("path") }),
    );
  });
});

const isTracingLine = (entry: Record<string, any>) => String(entry.msg).startsWith("tracing:");

function tracingLines(lines: Record<string, any>[], count: number) {
  return eventually(
    () => lines.filter(isTracingLine),
    (found) => found.length >= count,
    { timeoutMs: 15_000, what: "the log line of the tracing problem" },
  );
}

describe("the SDK's problems in hookgate's log", () => {
  afterEach(() => stopLoggingTracingProblems());

  it("writes each problem at most once a minute, with how often it came since; another problem is not held back", () => {
    const { lines, logger } = capturedLog();
    let now = 0;
    logTracingProblems(logger, { now: () => now });
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:4318","stack":"Error: connect ECONNREFUSED\\n    at somewhere","code":"ECONNREFUSED"}');
    now = 5_000;
    diag.warn("Invalid attribute value set for key: hookgate.delivery.attempt");
    now = 30_000;
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:4318","code":"ECONNREFUSED"}');
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:4318","code":"ECONNREFUSED"}');
    diag.info("not a problem");
    now = 61_000;
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:4318","code":"ECONNREFUSED"}');
    diag.error('{"name":"OTLPExporterError","code":503,"data":"the collector\'s page"}');
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:4318","code":"ECONNREFUSED"}');
    stopLoggingTracingProblems();

    expect(lines.map(({ level, problem, timesSinceLastLine }) => ({ level, problem, timesSinceLastLine }))).toEqual([
      { level: 50, problem: "connect ECONNREFUSED 127.0.0.1:4318", timesSinceLastLine: undefined },
      { level: 40, problem: "Invalid attribute value set for key: hookgate.delivery.attempt", timesSinceLastLine: undefined },
      { level: 50, problem: "connect ECONNREFUSED 127.0.0.1:4318", timesSinceLastLine: 2 },
      { level: 50, problem: "HTTP 503", timesSinceLastLine: undefined },
      // At shutdown, what came after its last line.
      { level: 50, problem: "connect ECONNREFUSED 127.0.0.1:4318", timesSinceLastLine: 1 },
    ]);
  });
});
