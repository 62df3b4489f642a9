import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutboundDispatcher } from "../../src/outbound/guarded-connect.js";
import { sendRequest, type SendResult } from "../../src/outbound/send-request.js";

/** A loopback receiver whose answer each test picks by path; it records what reached it. */
const seen = { requests: [] as string[], connections: 0 };
let server: http.Server;
let base: string;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.requests.push(`${req.method} ${req.url}`);
    const path = req.url ?? "/";
    if (path.startsWith("/status/")) {
      res.writeHead(Number(path.slice("/status/".length)), [
        ["content-type", "text/plain"],
        ["X-Multi", "a"],
        ["X-Multi", "b"],
      ]);
      res.end(`answered ${path}`);
    } else if (path === "/echo") {
      let body = "";
      req.on("data", (chunk) => (body += chunk)).on("end", () => res.end(`${req.headers["x-test"]}:${body}`));
    } else if (path === "/redirect") {
      res.writeHead(302, { location: "/status/200" }).end();
    } else if (path === "/silent") {
      // Accepts the request and never answers.
    } else if (path === "/stall-body") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first bytes");
    } else if (path === "/huge") {
      res.writeHead(200, { "content-length": String(5 * 1024 * 1024) });
      res.end(Buffer.alloc(5 * 1024 * 1024, "x"));
    } else {
      res.end("ok");
    }
  });
  server.on("connection", () => (seen.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const open = createOutboundDispatcher({ allowPrivateTargets: true });
const guarded = createOutboundDispatcher({ allowPrivateTargets: false });

function expectOk(result: SendResult) {
  if (!result.ok) throw new Error(`expected an answer, got ${result.error.kind}: ${result.error.message}`);
  return result;
}

function expectFailure(result: SendResult) {
  if (result.ok) throw new Error(`expected a failure, got status ${result.status}`);
  return result;
}

describe("sendRequest to a reachable receiver (private targets allowed)", () => {
  it.each([200, 204, 404, 500, 503])("returns status %i as an answer, with lower-cased, joined headers", async (status) => {
    const result = expectOk(await sendRequest(open, { url: `${base}/status/${status}`, method: "GET", timeoutMs: 2000 }));
    expect(result.status).toBe(status);
    expect(result.headers["content-type"]).toBe("text/plain");
    expect(result.headers["x-multi"]).toBe("a, b");
    expect(result.body).toBe(status === 204 ? "" : `answered /status/${status}`);
    expect(result.bodyTruncated).toBe(false);
  });

  it("sends the method, headers and body it is given", async () => {
    const result = expectOk(
      await sendRequest(open, { url: `${base}/echo`, method: "POST", headers: { "x-test": "yes" }, body: '{"a":1}', timeoutMs: 2000 }),
    );
    expect(result.body).toBe('yes:{"a":1}');
  });

  it("does not follow a redirect: the 302 comes back as the status", async () => {
    seen.requests.length = 0;
    const result = expectOk(await sendRequest(open, { url: `${base}/redirect`, method: "POST", body: "x", timeoutMs: 2000 }));
    expect(result.status).toBe(302);
    expect(result.headers.location).toBe("/status/200");
    expect(seen.requests).toEqual(["POST /redirect"]);
  });

  it("gives up on a receiver that never answers, as a timeout", async () => {
    const result = expectFailure(await sendRequest(open, { url: `${base}/silent`, method: "POST", timeoutMs: 300 }));
    expect(result.error.kind).toBe("timeout");
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("gives up on a receiver that sends headers and then stalls the body, as a timeout", async () => {
    const result = expectFailure(await sendRequest(open, { url: `${base}/stall-body`, method: "GET", timeoutMs: 300 }));
    expect(result.error.kind).toBe("timeout");
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("keeps 16 KiB of a 5 MB answer and marks it truncated", async () => {
    const result = expectOk(await sendRequest(open, { url: `${base}/huge`, method: "GET", timeoutMs: 5000 }));
    expect(result.body.length).toBe(16_384);
    expect(result.bodyTruncated).toBe(true);
  });

  it("honours a smaller maxResponseBytes", async () => {
    const result = expectOk(await sendRequest(open, { url: `${base}/status/200`, method: "GET", timeoutMs: 2000, maxResponseBytes: 8 }));
    expect(result.body).toBe("answered");
    expect(result.bodyTruncated).toBe(true);
  });

  it("reuses one kept-alive connection for consecutive requests", async () => {
    const dispatcher = createOutboundDispatcher({ allowPrivateTargets: true });
    const before = seen.connections;
    expectOk(await sendRequest(dispatcher, { url: `${base}/status/200`, method: "POST", body: "1", timeoutMs: 2000 }));
    // undici hands a finished socket back to the pool one event-loop turn later (on purpose, to
    // catch servers that close despite keep-alive); a request issued sooner opens a second one.
    await new Promise((resolve) => setImmediate(resolve));
    expectOk(await sendRequest(dispatcher, { url: `${base}/status/200`, method: "POST", body: "2", timeoutMs: 2000 }));
    expect(seen.connections - before).toBe(1);
    await dispatcher.close();
  });

  it("reports a refused connection as a network failure", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = expectFailure(await sendRequest(open, { url: `http://127.0.0.1:${closedPort}/`, method: "GET", timeoutMs: 2000 }));
    expect(result.error.kind).toBe("network");
    expect(result.error.message).toContain("ECONNREFUSED");
  });

  it.each(["not a url", "ftp://example.com/file", "file:///etc/passwd"])("refuses %j as an invalid URL", async (url) => {
    const result = expectFailure(await sendRequest(open, { url, method: "GET", timeoutMs: 2000 }));
    expect(result.error.kind).toBe("invalid-url");
  });
});

describe("sendRequest with the guard on", () => {
  it.each([
    ["127.0.0.1", () => `http://127.0.0.1:${port}/`, "127.0.0.1"],
    ["[::1]", () => `http://[::1]:${port}/`, "::1"],
    ["a decimal IPv4 host", () => `http://2130706433:${port}/`, "127.0.0.1"],
    ["a 10.x address", () => "http://10.255.255.1/", "10.255.255.1"],
    ["the cloud metadata address", () => "http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ["an IPv4-mapped loopback", () => `http://[::ffff:7f00:1]:${port}/`, "::ffff:7f00:1"],
  ])("refuses %s before connecting, naming the address", async (_label, url, address) => {
    const connectionsBefore = seen.connections;
    const result = expectFailure(await sendRequest(guarded, { url: url(), method: "POST", body: "{}", timeoutMs: 5000 }));
    expect(result.error.kind).toBe("blocked");
    expect(result.error.message).toContain(`refused to connect to ${address} (`);
    expect(result.error.message).toContain("HOOKGATE_ALLOW_PRIVATE_TARGETS");
    // No connect attempt: an unroutable 10.x address would otherwise hang until the timeout.
    expect(result.durationMs).toBeLessThan(1000);
    expect(seen.connections).toBe(connectionsBefore);
  });

  it("refuses a host name that resolves to loopback, naming the address", async () => {
    const connectionsBefore = seen.connections;
    const result = expectFailure(await sendRequest(guarded, { url: `http://localhost:${port}/`, method: "GET", timeoutMs: 5000 }));
    expect(result.error.kind).toBe("blocked");
    expect(result.error.message).toMatch(/refused to connect to (127\.0\.0\.1|::1) \(loopback address\) for host localhost/);
    expect(seen.connections).toBe(connectionsBefore);
  });
});
