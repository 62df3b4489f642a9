import { Writable } from "node:stream";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createLogger, logFormatFor } from "../../src/logger.js";
import { waitUntilSettled } from "../support/delivery-log.js";
import { clientSecret, createGroup, seedOriginBodies } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { restClient } from "../support/rest-client.js";
import { operatorToken, useTestApp } from "../support/test-app.js";
import { useTokenEndpoint } from "../support/token-endpoint.js";

// Issue 13, part 6 (logs): each API request and each delivery attempt logged once, at info, with
// its ids and duration; never a secret, a token or a payload.

/** Every line written, as the process would write it to stderr. */
function captureLines() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const log = captureLines();
const app = useTestApp({ LOG_LEVEL: "info" }, { worker: true, logger: createLogger("info", { format: "json", destination: log.stream }) });
const receiver = useReceiver();
const tokens = useTokenEndpoint();
const entries = () => log.lines.map((line) => JSON.parse(line) as Record<string, any>);

describe("log lines", () => {
  it("log each API request once and each delivery attempt once, with ids and durations and no secret", async () => {
    const marker = "payload-marker-title-5f1c";
    const { signingSecret, webhookGroup } = await createGroup(app, {
      name: "logged",
      hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/hooks`, origin: { body: seedOriginBodies.eventShort } }],
      authentication: { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret } },
    });
    const created = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": app.adminKey, authorization: "Bearer doo-clients-own-access-token", "x-request-id": "proxy-id-42" },
      body: JSON.stringify({
        query: `mutation CreateShow($title: String!) { createEvent(input: { title: $title, startDate: "2027-06-01T18:00:00Z", endDate: "2027-06-02T02:00:00Z" }) { id } }`,
        variables: { title: marker },
      }),
    });
    expect(created.status).toBe(200);
    expect(created.headers.get("x-request-id")).toBe("proxy-id-42");
    const newOrganization = await app.createOrganization("Logged Org");
    const rest = await restClient(app).call("GET", `/v1/team/${app.defaultOrganizationId}/webhooks?page=1`, { bearer: "another-access-token" });
    expect(rest.status).toBe(200);
    await receiver.waitFor(1);
    await waitUntilSettled(app);
    expect(receiver.requests[0]!.body).toContain(marker);

    const requests = entries().filter((entry) => entry.msg === "api request");
    // createWebhookGroup, createEvent, createOrganization, the REST list: four requests, four lines.
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((entry) => entry.requestId)).size).toBe(4);
    const createLine = requests.find((entry) => entry.requestId === "proxy-id-42");
    expect(createLine).toMatchObject({
      level: 30,
      method: "POST",
      path: "/graphql",
      operationType: "mutation",
      operationName: "CreateShow",
      status: 200,
      apiKeyId: expect.any(String),
      organizationId: app.defaultOrganizationId,
    });
    expect(createLine!.durationMs).toBeGreaterThan(0);
    expect(requests.find((entry) => entry.operator)).toMatchObject({ operationType: "mutation", status: 200 });
    expect(requests.find((entry) => entry.operationType === "rest")).toMatchObject({
      method: "GET",
      path: `/v1/team/${app.defaultOrganizationId}/webhooks`,
      status: 200,
      organizationId: app.defaultOrganizationId,
    });

    const attempts = entries().filter((entry) => entry.msg === "delivery attempt");
    const { rows } = await sql<{ id: string; number: number; response_status: number }>`
      select d.id, a.number, a.response_status from delivery_attempts a join deliveries d on d.id = a.delivery_id`.execute(app.db);
    expect(attempts).toHaveLength(rows.length);
    expect(attempts[0]).toMatchObject({
      level: 30,
      deliveryId: rows[0]!.id,
      groupId: webhookGroup.id,
      organizationId: app.defaultOrganizationId,
      hookType: "EVENT_CREATED",
      attempt: 1,
      outcome: "succeeded",
      httpStatus: 200,
      deliveryStatus: "SUCCEEDED",
    });
    expect(typeof attempts[0]!.durationMs).toBe("number");

    // Nothing a caller or partner would call a secret, and no payload, anywhere in the log.
    const text = log.lines.join("\n");
    const secrets = { adminKey: app.adminKey, operatorToken, clientSecret, signingSecret, newAdminKey: newOrganization.adminKey, accessToken: tokens.lastToken };
    for (const [name, secret] of Object.entries(secrets)) expect(text.includes(secret), name).toBe(false);
    for (const other of ["doo-clients-own-access-token", "another-access-token", marker, "webhook-signature", "v1,"]) {
      expect(text.includes(other), other).toBe(false);
    }
  });
});

describe("the log format", () => {
  it("is pretty on a terminal outside production, JSON otherwise, unless HOOKGATE_LOG_FORMAT says", () => {
    expect(logFormatFor(undefined, { stderrIsTty: true, nodeEnv: undefined })).toBe("pretty");
    expect(logFormatFor(undefined, { stderrIsTty: true, nodeEnv: "development" })).toBe("pretty");
    expect(logFormatFor(undefined, { stderrIsTty: true, nodeEnv: "production" })).toBe("json");
    expect(logFormatFor(undefined, { stderrIsTty: false, nodeEnv: undefined })).toBe("json");
    expect(logFormatFor("pretty", { stderrIsTty: false, nodeEnv: "production" })).toBe("pretty");
    expect(logFormatFor("json", { stderrIsTty: true, nodeEnv: undefined })).toBe("json");
  });

  it("writes one JSON object a line, or a readable line, and redacts a secret handed in by mistake", async () => {
    const json = captureLines();
    createLogger("info", { format: "json", destination: json.stream }).info(
      { deliveryId: "d-1", durationMs: 12, headers: { authorization: "Bearer leaked", "x-api-key": "hg_leaked" }, group: { clientSecret: "leaked-secret" } },
      "delivery attempt",
    );
    expect(JSON.parse(json.lines[0]!)).toMatchObject({ msg: "delivery attempt", deliveryId: "d-1", durationMs: 12, headers: { authorization: "[Redacted]", "x-api-key": "[Redacted]" } });
    expect(json.lines.join()).not.toContain("leaked");

    const pretty = captureLines();
    createLogger("info", { format: "pretty", destination: pretty.stream }).info({ deliveryId: "d-1", durationMs: 12 }, "delivery attempt");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pretty.lines[0]).toMatch(/INFO.*delivery attempt/);
    expect(() => JSON.parse(pretty.lines[0]!)).toThrow();
    expect(pretty.lines.join("\n")).toContain('deliveryId: "d-1"');
  });
});
