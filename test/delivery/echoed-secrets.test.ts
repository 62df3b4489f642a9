import { describe, expect, it } from "vitest";
import { withoutEchoedSecrets } from "../../src/delivery/echoed-secrets.js";
import type { SendResult } from "../../src/outbound/send-request.js";
import { useCleanup } from "../support/cleanup.js";
import { isFinished, waitForDelivery } from "../support/delivery-log.js";
import { createEvent, createViewerKey } from "../support/fixtures.js";
import { isolatedGroup } from "../support/isolated-group.js";
import { useTestApp } from "../support/test-app.js";
import { startTokenEndpoint } from "../support/token-endpoint.js";

// A partner that echoes the request (a mirror, a debugging endpoint, an error page quoting the
// headers) must not turn the delivery log into a way to read the token, the JWT or the group's
// custom header values: the log keeps the answer with them cut out, whoever reads it.

const closeAfterTest = useCleanup();
const app = useTestApp({}, { worker: true });

const partnerKey = "partner-key-5f2e9a71";
// Quotes and a backslash: JSON-escaped in an echoed body, so found in that spelling too.
const quotedValue = 'say "open sesame" \\ now';

describe("a partner echoing the request", () => {
  it("is logged with the token, the JWT and custom header values redacted, as a viewer key reads it", async () => {
    const tokens = await startTokenEndpoint();
    closeAfterTest(tokens.close);
    const s = await isolatedGroup(app, closeAfterTest, "echo", { type: "EVENT_CREATED", path: "/echo" }, {
      authentication: { endpoint: tokens.url, credentials: { clientId: "doo", clientSecret: "echo-client-secret-1" } },
      secretKey: "dozuki-echo-secret-77",
      headers: [
        { name: "X-Partner-Key", value: partnerKey },
        { name: "X-Quoted", value: quotedValue },
      ],
    });
    s.receiver.answerAlways((request) => ({
      status: 200,
      headers: {
        "content-type": "application/json",
        "x-echo-authorization": String(request.headers.authorization),
        "x-echo-jwt": String(request.headers["x-webhook-secret"]),
      },
      body: JSON.stringify({ echoed: request.headers, query: `?key=${encodeURIComponent(partnerKey)}&token=token-1` }),
    }));
    await createEvent(app, { title: "Echo" }, s.key);
    const [request] = await s.receiver.waitFor(1);
    const sent = {
      authorization: String(request!.headers.authorization),
      jwt: String(request!.headers["x-webhook-secret"]),
    };
    expect(sent.authorization).toBe("Bearer token-1");
    expect(sent.jwt.split(".")).toHaveLength(3);

    const viewerKey = await createViewerKey(app, s.key);
    const log = await waitForDelivery(app, String(request!.headers["webhook-id"]), isFinished, { key: viewerKey });
    expect(log.status).toBe("SUCCEEDED");
    const [attempt] = log.attempts;
    const everything = JSON.stringify(log);
    for (const secret of ["token-1", sent.jwt, partnerKey, quotedValue, JSON.stringify(quotedValue).slice(1, -1)]) {
      expect(everything).not.toContain(secret);
    }
    const echoed = JSON.parse(attempt!.responseBody!);
    expect(echoed.echoed).toMatchObject({
      authorization: "[redacted]",
      "x-webhook-secret": "[redacted]",
      "x-partner-key": "[redacted]",
      "x-quoted": "[redacted]",
      // What is no secret stays readable: the log is for finding out what the partner saw.
      "webhook-id": request!.headers["webhook-id"],
      "content-type": "application/json",
    });
    expect(echoed.query).toBe("?key=[redacted]&token=[redacted]");
    expect(attempt!.responseHeaders).toMatchObject({ "x-echo-authorization": "[redacted]", "x-echo-jwt": "[redacted]" });
  });
});

describe("withoutEchoedSecrets", () => {
  const answer = (body: string, extra: Partial<Extract<SendResult, { ok: true }>> = {}): SendResult => ({
    ok: true,
    status: 500,
    headers: {},
    body,
    bodyTruncated: false,
    durationMs: 1,
    ...extra,
  });

  it("replaces a whole value before a part of it", () => {
    const result = withoutEchoedSecrets(answer("auth: Bearer abc.def, again abc.def"), ["Bearer abc.def", "abc.def"]);
    expect(result).toMatchObject({ body: "auth: [redacted], again [redacted]" });
  });

  it("cuts the start of a secret left at the end of a truncated answer", () => {
    const result = withoutEchoedSecrets(answer("…header: Bearer sec", { bodyTruncated: true }), ["Bearer secret-token"]);
    expect(result).toMatchObject({ body: "…header: [redacted]" });
  });

  it("leaves a complete answer's ending alone: it is not a cut secret", () => {
    const result = withoutEchoedSecrets(answer("ends with Bearer sec"), ["Bearer secret-token"]);
    expect(result).toMatchObject({ body: "ends with Bearer sec" });
  });

  it("changes nothing without secrets or without an answer", () => {
    const plain = answer("nothing to hide");
    expect(withoutEchoedSecrets(plain, [])).toBe(plain);
    const failed: SendResult = { ok: false, error: { kind: "timeout", message: "no answer" }, durationMs: 1 };
    expect(withoutEchoedSecrets(failed, ["x"])).toBe(failed);
  });
});
