// The npm `standardwebhooks` package (the specification's reference JavaScript library) as the
// other side: it must accept what hookgate signs, and hookgate's verifyWebhook what it signs.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signatureHeaders } from "../src/delivery/sign/standard-webhooks.js";
import { verifyWebhook } from "../src/index.js";

const example = {
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1_614_265_330,
  body: '{"test": 2432232314}',
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
};

describe("v1 signatures against the standardwebhooks package", () => {
  it("sign the published example exactly as the package does", () => {
    const theirs = new Webhook(example.secret).sign(example.id, new Date(example.timestamp * 1000), example.body);
    expect(theirs).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const ours = signatureHeaders({ ...example, secrets: [example.secret] });
    expect(ours["webhook-signature"]).toBe(theirs);
  });

  it("what hookgate signs, the package verifies (also during a rotation, with either secret)", () => {
    const current = `whsec_${randomBytes(32).toString("base64")}`;
    const previous = `whsec_${randomBytes(32).toString("base64")}`;
    const body = '{"type":"order_created","note":"café ✓"}';
    const headers = signatureHeaders({ id: "msg_1", timestamp: new Date(), body, secrets: [current, previous] });
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    const stranger = `whsec_${randomBytes(32).toString("base64")}`;
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
  });

  it("what the package signs, hookgate's verifyWebhook verifies; a changed body it rejects", () => {
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    const body = "event_id=e1&title=caf%C3%A9";
    const now = new Date();
    const signature = new Webhook(secret).sign("msg_2", now, body);
    const headers = { "webhook-id": "msg_2", "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": signature };
    expect(verifyWebhook({ secret, headers, body, now }).id).toBe("msg_2");
    expect(() => verifyWebhook({ secret, headers, body: `${body}&x=1`, now })).toThrow(/no v1 signature/);
  });
});
