import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { createEvent, createGroup, groupInput } from "../support/fixtures.js";
import { listenOnLoopback } from "../support/loopback-server.js";
import { useReceiver } from "../support/receiver.js";
import { type TestApp, graphqlData, useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";

// DESIGN.md, "Outbound safety", checked where it matters: at send time, in a running worker.
// Endpoints are only checked for shape when a group is created, so a group may well point at
// loopback or the metadata service; the worker must refuse to connect, say so in the log, and
// let the delivery fail after its attempts — without a single byte reaching the target.

/** A loopback HTTP server that counts TCP connections as well as requests: "nothing" means no connect. */
async function startCountingServer() {
  const seen = { connections: 0, requests: 0 };
  const server = http.createServer((_request, response) => {
    seen.requests += 1;
    response.end("reached");
  });
  server.on("connection", () => (seen.connections += 1));
  return { ...(await listenOnLoopback(server)), seen };
}

const deliveriesQuery = `
  query ($groupId: ID!) {
    deliveries(filter: { groupId: $groupId }) {
      edges { node { id status attemptCount finishedAt
        attempts { number requestUrl responseStatus durationMs error } } }
    }
  }`;

interface LoggedDelivery {
  id: string;
  status: string;
  attemptCount: number;
  attempts: Array<{ number: number; requestUrl: string; responseStatus: number | null; durationMs: number; error: string | null }>;
}

/** The group's only delivery once it has finished (SUCCEEDED, FAILED or GONE), as the log shows it. */
async function finishedDelivery(app: TestApp, groupId: string): Promise<LoggedDelivery> {
  const read = async () => {
    const edges: Array<{ node: LoggedDelivery & { finishedAt: string | null } }> = (await graphqlData(app, deliveriesQuery, { groupId }))
      .deliveries.edges;
    if (edges.length > 1) throw new Error(`group ${groupId} has ${edges.length} deliveries, expected 1`);
    return edges[0]?.node;
  };
  const node = await eventually(read, (found) => Boolean(found?.finishedAt), { intervalMs: 100, what: `finished delivery of group ${groupId}` });
  return node!;
}

/** One group per target, so each delivery can be found by its group. */
async function groupFor(app: TestApp, endpoint: string, authentication?: Record<string, unknown>) {
  const { webhookGroup } = await createGroup(
    app,
    groupInput({ name: `to ${endpoint}`, hooks: [{ type: "EVENT_CREATED", endpoint }], authentication }),
  );
  return webhookGroup.id as string;
}

describe("with private targets refused (HOOKGATE_ALLOW_PRIVATE_TARGETS=false)", () => {
  const app = useTestApp(
    // A long delivery timeout, so a refusal made without connecting stands out from a connect attempt.
    { HOOKGATE_ALLOW_PRIVATE_TARGETS: "false", HOOKGATE_RETRY_SCHEDULE: "100ms", HOOKGATE_DELIVERY_TIMEOUT: "10s" },
    { worker: true },
  );
  let target: Awaited<ReturnType<typeof startCountingServer>>;
  const receiver = useReceiver();
  const tokens = useTokenEndpoint();
  const groups: Record<string, string> = {};

  beforeAll(async () => {
    target = await startCountingServer();
    const port = target.port;
    const cases: Record<string, string> = {
      loopback: `http://127.0.0.1:${port}/x`,
      private: "http://10.255.255.1/x",
      metadata: "http://169.254.169.254/latest/meta-data/",
      localhost: `http://localhost:${port}/x`,
      ipv6Loopback: `http://[::1]:${port}/x`,
      // The URL parser turns these into 127.0.0.1 and [::ffff:7f00:1]: still loopback.
      decimal: `http://2130706433:${port}/x`,
      ipv4Mapped: `http://[::ffff:127.0.0.1]:${port}/x`,
    };
    for (const [name, endpoint] of Object.entries(cases)) groups[name] = await groupFor(app, endpoint);
    // Token endpoints are partners' too: one on loopback is refused the same way, by literal and by name.
    const hook = `${receiver.url}/never`;
    groups.tokenLoopback = await groupFor(app, "https://partner.example/hooks", {
      endpoint: tokens.url,
      credentials: { clientId: "doo", clientSecret: "token-secret-1234" },
    });
    groups.tokenLocalhost = await groupFor(app, hook, {
      endpoint: tokens.url.replace("127.0.0.1", "localhost"),
      credentials: { clientId: "doo", clientSecret: "token-secret-1234" },
    });
    await createEvent(app, { title: "Probe" });
  });

  afterAll(async () => {
    await target?.close();
  });

  it.each([
    ["loopback", "127.0.0.1", "loopback address"],
    ["private", "10.255.255.1", "private address"],
    ["metadata", "169.254.169.254", "link-local address"],
    ["localhost", "127.0.0.1", "loopback address"],
    ["ipv6Loopback", "::1", "loopback address"],
    ["decimal", "127.0.0.1", "loopback address"],
    ["ipv4Mapped", "::ffff:7f00:1", "loopback address"],
  ])("refuses the %s target at send time, naming %s, and the delivery ends FAILED", async (name, address, reason) => {
    const delivery = await finishedDelivery(app, groups[name]!);
    expect(delivery.status).toBe("FAILED");
    // The first attempt and the one retry the schedule allows, each refused.
    expect(delivery.attemptCount).toBe(2);
    expect(delivery.attempts).toHaveLength(2);
    for (const attempt of delivery.attempts) {
      expect(attempt.responseStatus).toBeNull();
      expect(attempt.error).toContain(`refused to connect to ${address} (${reason}`);
      expect(attempt.error).toContain("HOOKGATE_ALLOW_PRIVATE_TARGETS");
      // Refused before any connect: a connect to an unrouted address would run into the 10 s timeout.
      expect(attempt.durationMs).toBeLessThan(3_000);
    }
  });

  it("names the host that resolved to the refused address", async () => {
    const delivery = await finishedDelivery(app, groups.localhost!);
    expect(delivery.attempts[0]!.error).toContain("for host localhost");
  });

  it("refuses a token endpoint on loopback, by address and by name; the hook is never called", async () => {
    for (const [name, host] of [["tokenLoopback", "127.0.0.1"], ["tokenLocalhost", "localhost"]] as const) {
      const delivery = await finishedDelivery(app, groups[name]!);
      expect(delivery.status).toBe("FAILED");
      expect(delivery.attempts).toHaveLength(2);
      for (const attempt of delivery.attempts) {
        expect(attempt.responseStatus).toBeNull();
        expect(attempt.error).toContain(`token endpoint http://${host}:`);
        expect(attempt.error).toContain("refused to connect to 127.0.0.1 (loopback address");
      }
    }
    expect(tokens.requests).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it("lets nothing reach the loopback target: no request, not even a connection", async () => {
    // Every case above has finished by now (each test waits for its delivery).
    for (const name of Object.keys(groups)) await finishedDelivery(app, groups[name]!);
    expect(target.seen).toEqual({ connections: 0, requests: 0 });
  });
});

describe("with private targets allowed (the control case)", () => {
  const app = useTestApp({ HOOKGATE_ALLOW_PRIVATE_TARGETS: "true", HOOKGATE_RETRY_SCHEDULE: "100ms" }, { worker: true });
  const receiver = useReceiver();
  const tokens = useTokenEndpoint();

  it("reaches the same loopback receiver, by address and by name, with a token from loopback", async () => {
    const port = new URL(receiver.url).port;
    const byAddress = await groupFor(app, `${receiver.url}/x`);
    const byName = await groupFor(app, `http://localhost:${port}/y`, {
      endpoint: tokens.url,
      credentials: { clientId: "doo", clientSecret: "token-secret-1234" },
    });
    await createEvent(app, { title: "Probe" });

    for (const groupId of [byAddress, byName]) {
      const delivery = await finishedDelivery(app, groupId);
      expect(delivery.status).toBe("SUCCEEDED");
      expect(delivery.attempts).toEqual([expect.objectContaining({ number: 1, responseStatus: 200, error: null })]);
    }
    expect(receiver.requests.map((request) => request.path).sort()).toEqual(["/x", "/y"]);
    expect(receiver.requests.find((request) => request.path === "/y")!.headers.authorization).toBe("Bearer token-1");
    expect(tokens.requests).toHaveLength(1);
  });
});

describe("in production (NODE_ENV=production, HOOKGATE_ALLOW_PRIVATE_TARGETS unset)", () => {
  const app = useTestApp({ NODE_ENV: "production", HOOKGATE_ALLOW_PRIVATE_TARGETS: "", HOOKGATE_RETRY_SCHEDULE: "100ms" }, { worker: true });
  const receiver = useReceiver();

  it("refuses a delivery to 127.0.0.1: the delivery ends FAILED and the receiver hears nothing", async () => {
    const groupId = await groupFor(app, `${receiver.url}/x`);
    await createEvent(app, { title: "Probe" });
    const delivery = await finishedDelivery(app, groupId);
    expect(delivery.status).toBe("FAILED");
    expect(delivery.attempts).toHaveLength(2);
    for (const attempt of delivery.attempts) expect(attempt.error).toContain("refused to connect to 127.0.0.1 (loopback address");
    expect(receiver.requests).toHaveLength(0);
  });
});
