import http from "node:http";
import https from "node:https";
import type { LookupAddress } from "node:dns";
import type { AddressInfo } from "node:net";
import { Agent, buildConnector, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BlockedAddressError,
  createGuardedNodeAgents,
  guardConnector,
  guardedLookup,
} from "../../src/outbound/guarded-connect.js";

/** Loopback receiver that counts connections and the bytes that reached it. */
const seen = { connections: 0, bytes: 0 };
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.end("reached"));
  server.on("connection", (socket) => {
    seen.connections += 1;
    socket.on("data", (chunk: Buffer) => (seen.bytes += chunk.length));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function lookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    guardedLookup(hostname, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses as LookupAddress[]),
    ),
  );
}

/** GETs through a node agent; resolves with the status or rejects with the request's error. */
function nodeGet(url: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    client
      .get(url, { agent }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("BlockedAddressError", () => {
  it("names the address, the reason, the host and the setting that allows it", () => {
    const error = new BlockedAddressError("internal.example", "10.0.0.5", "private address");
    expect(error.message).toBe(
      "refused to connect to 10.0.0.5 (private address) for host internal.example; set HOOKGATE_ALLOW_PRIVATE_TARGETS=true to allow",
    );
    expect(error.code).toBe("HOOKGATE_BLOCKED_ADDRESS");
  });
});

describe("guardedLookup", () => {
  it("refuses a name whose every address is private, naming one of them", async () => {
    const error = await lookupAll("localhost").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).host).toBe("localhost");
    expect(["127.0.0.1", "::1"]).toContain((error as BlockedAddressError).address);
  });

  it("passes lookup failures through unchanged", async () => {
    const error = await lookupAll("no-such-host.invalid").catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(BlockedAddressError);
    expect((error as NodeJS.ErrnoException).code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});

describe("guardConnector", () => {
  it("refuses a peer that turns out private after connecting, before any request byte is sent", async () => {
    // An unguarded lookup stands in for anything that slips past the lookup check.
    const dispatcher = new Agent({ connect: guardConnector(buildConnector({})) });
    const before = { ...seen };
    const error = await request(`http://localhost:${port}/`, { dispatcher }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).reason).toBe("loopback address");
    expect(seen.connections).toBe(before.connections + 1);
    expect(seen.bytes).toBe(before.bytes);
    await dispatcher.close();
  });
});

describe("createGuardedNodeAgents", () => {
  const guarded = createGuardedNodeAgents({ allowPrivateTargets: false });
  const open = createGuardedNodeAgents({ allowPrivateTargets: true });
  afterAll(() => {
    for (const agent of [guarded.http, guarded.https, open.http, open.https]) agent.destroy();
  });

  it.each([
    ["127.0.0.1", () => `http://127.0.0.1:${port}/`, "127.0.0.1"],
    ["[::1]", () => `http://[::1]:${port}/`, "::1"],
    ["10.255.255.1", () => "http://10.255.255.1/", "10.255.255.1"],
    ["169.254.169.254", () => "http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
  ])("refuses %s through the http agent before connecting", async (_label, url, address) => {
    const connectionsBefore = seen.connections;
    const error = await nodeGet(url(), guarded.http).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).address).toBe(address);
    expect(seen.connections).toBe(connectionsBefore);
  });

  it("refuses a name resolving to loopback through the http agent", async () => {
    const error = await nodeGet(`http://localhost:${port}/`, guarded.http).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).reason).toBe("loopback address");
  });

  it("refuses 127.0.0.1 through the https agent before any TLS handshake", async () => {
    const before = { ...seen };
    const error = await nodeGet(`https://127.0.0.1:${port}/`, guarded.https).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(seen).toEqual(before);
  });

  it("reaches the loopback receiver when private targets are allowed", async () => {
    await expect(nodeGet(`http://127.0.0.1:${port}/`, open.http)).resolves.toEqual({ status: 200, body: "reached" });
    await expect(nodeGet(`http://localhost:${port}/`, open.http)).resolves.toEqual({ status: 200, body: "reached" });
  });
});
