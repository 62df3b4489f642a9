import { beforeAll, describe, expect, it } from "vitest";
import { createEvent } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

// A remote origin is fetched through the same address guard as hook and token endpoints: an
// operator's allow-list entry pointing at a private address is refused at fetch time, before a
// byte leaves, unless private targets are allowed.

const previewQuery = `query ($input: PreviewHookPayloadInput!) { previewHookPayload(input: $input) { payload errors } }`;
const originBody = JSON.stringify({ variables: { id: "%EVENT_ID%" }, query: "query ($id: ID!) { event(id: $id) { title } }" });
const originAnswer = { data: { event: { title: "from the remote origin" } } };

function describeWith(
  allowPrivateTargets: boolean,
  check: (preview: { payload: unknown; errors: string[] }, originRequests: number, host: string) => void,
) {
  const origin = useReceiver();
  const env: Record<string, string> = { HOOKGATE_ALLOW_PRIVATE_TARGETS: String(allowPrivateTargets) };
  // By address, and by a name that resolves to it (checked after DNS, where it cannot be dodged).
  const endpoints = () => [`${origin.url}/graphql`, `${origin.url.replace("127.0.0.1", "localhost")}/graphql`];
  beforeAll(() => {
    origin.answerAlways({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(originAnswer) });
    env.HOOKGATE_ORIGIN_ALLOWLIST = endpoints().join(",");
  });
  const app = useTestApp(env);

  it.each(["127.0.0.1", "localhost"])("previews a payload from an allow-listed loopback origin named by %s", async (host) => {
    const endpoint = endpoints().find((url) => new URL(url).hostname === host)!;
    const before = origin.requests.length;
    const event = await createEvent(app, { title: "Remote origin" });
    const result = await app.graphql(previewQuery, {
      input: { hookType: "EVENT_UPDATED", eventId: event.id, origin: { endpoint, body: originBody } },
    });
    expect(result.errors).toBeUndefined();
    check(result.data!.previewHookPayload, origin.requests.length - before, host);
  });
}

describe("a remote origin on loopback with private targets refused", () => {
  describeWith(false, (preview, originRequests, host) => {
    expect(preview.payload).toBeNull();
    expect(preview.errors).toHaveLength(1);
    // localhost may resolve to ::1 first.
    expect(preview.errors[0]).toMatch(/refused to connect to (127\.0\.0\.1|::1) \(loopback address\) for host /);
    expect(preview.errors[0]).toContain(`for host ${host}`);
    expect(originRequests).toBe(0);
  });
});

describe("a remote origin on loopback with private targets allowed", () => {
  describeWith(true, (preview, originRequests) => {
    expect(preview).toEqual({ payload: originAnswer, errors: [] });
    expect(originRequests).toBe(1);
  });
});
