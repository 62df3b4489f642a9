import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { type PartnerProcess, usePartners } from "../support/partner-process.js";

// The partner's two endpoints asked directly, as any HTTP client would, with signatures made by
// the Standard Webhooks reference library (and Node's Ed25519 for v1a) rather than by hookgate.
const startPartner = usePartners();
const secret = `whsec_${randomBytes(32).toString("base64")}`;

function tokenRequest(partner: PartnerProcess, form: Record<string, string>, init: RequestInit = {}) {
  return fetch(partner.tokenEndpoint, { method: "POST", body: new URLSearchParams(form), ...init });
}

async function tokenOf(partner: PartnerProcess): Promise<string> {
  const answer = await tokenRequest(partner, { grant_type: "client_credentials", client_id: "doo", client_secret: partner.clientSecret });
  return ((await answer.json()) as { access_token: string }).access_token;
}

function deliver(partner: PartnerProcess, path: string, body: string, headers: Record<string, string>) {
  return fetch(`${partner.base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

function signed(id: string, body: string, key = secret): Record<string, string> {
  const now = new Date();
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": new Webhook(key).sign(id, now, body),
  };
}

describe("hookgate partner's token endpoint", () => {
  it("issues a standard OAuth2 answer for the right credentials, as a form, JSON or HTTP Basic", async () => {
    const partner = await startPartner(["--port", "0", "--client-secret", "s3cret"]);
    const asForm = await tokenRequest(partner, { grant_type: "client_credentials", client_id: "doo", client_secret: "s3cret" });
    expect(asForm.status).toBe(200);
    expect(asForm.headers.get("cache-control")).toBe("no-store");
    expect(await asForm.json()).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 3600 });
    const asJson = await fetch(partner.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: "doo", client_secret: "s3cret" }),
    });
    expect(asJson.status).toBe(200);
    const asBasic = await tokenRequest(partner, { grant_type: "client_credentials" }, {
      headers: { authorization: `Basic ${Buffer.from("doo:s3cret").toString("base64")}` },
    });
    expect(asBasic.status).toBe(200);
    expect(await partner.waitFor((record) => record.kind === "token", 3)).toEqual([
      expect.objectContaining({ clientId: "doo", status: 200 }),
      expect.objectContaining({ clientId: "doo", status: 200 }),
      expect.objectContaining({ clientId: "doo", status: 200 }),
    ]);
  });

  it("answers in doo's shape with --doo-token", async () => {
    const partner = await startPartner(["--port", "0", "--doo-token"]);
    const answer = await tokenRequest(partner, { grant_type: "client_credentials", client_id: "doo", client_secret: partner.clientSecret });
    expect(await answer.json()).toEqual({ message: "OK", description: "Access token issued", access_token: expect.any(String) });
    expect(partner.records()[0]).toMatchObject({ kind: "listening", tokenAnswer: "doo", clientSecretGenerated: true });
  });

  it("refuses wrong credentials with 401 and an OAuth2 error body, a wrong grant with 400, a GET with 405", async () => {
    const partner = await startPartner(["--port", "0", "--client-id", "acme", "--client-secret", "s3cret"]);
    const wrongSecret = await tokenRequest(partner, { grant_type: "client_credentials", client_id: "acme", client_secret: "guess" });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect(await wrongSecret.json()).toEqual({ error: "invalid_client", error_description: "wrong client_secret" });
    const wrongClient = await tokenRequest(partner, { grant_type: "client_credentials", client_id: "doo", client_secret: "s3cret" });
    expect(await wrongClient.json()).toEqual({ error: "invalid_client", error_description: 'unknown client_id "doo"' });
    const wrongGrant = await tokenRequest(partner, { grant_type: "password", client_id: "acme", client_secret: "s3cret" });
    expect(wrongGrant.status).toBe(400);
    expect(await wrongGrant.json()).toMatchObject({ error: "unsupported_grant_type" });
    expect((await fetch(partner.tokenEndpoint)).status).toBe(405);
    expect((await partner.waitFor((record) => record.kind === "token", 4)).map((record) => [record.status, record.error])).toEqual([
      [401, "invalid_client"],
      [401, "invalid_client"],
      [400, "unsupported_grant_type"],
      [405, "invalid_request"],
    ]);
  });

  it("recognizes its tokens after a restart with the same credentials, and not with other ones", async () => {
    const [first, sameCredentials, otherSecret] = await Promise.all([
      startPartner(["--port", "0", "--client-secret", "s3cret"]),
      startPartner(["--port", "0", "--client-secret", "s3cret"]),
      startPartner(["--port", "0", "--client-secret", "other"]),
    ]);
    const token = await tokenOf(first!);
    expect((await deliver(sameCredentials!, "/", "{}", { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await deliver(otherSecret!, "/", "{}", { authorization: `Bearer ${token}` })).status).toBe(401);
    expect(await otherSecret!.waitFor((record) => record.kind === "delivery")).toEqual([
      expect.objectContaining({ token: "unknown", status: 401 }),
    ]);
  });
});

describe("hookgate partner's receiver", () => {
  it("checks Standard Webhooks signatures with --secret: valid, a changed body invalid, no headers invalid", async () => {
    const partner = await startPartner(["--port", "0", "--secret", secret]);
    const authorization = `Bearer ${await tokenOf(partner)}`;
    const body = JSON.stringify({ type: "order_created", order_id: "o-1" });
    expect((await deliver(partner, "/hooks", body, { authorization, ...signed("msg_1", body) })).status).toBe(200);
    const tampered = await deliver(partner, "/hooks", body.replace("o-1", "o-2"), { authorization, ...signed("msg_2", body) });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toEqual({ error: "invalid_signature", error_description: "no v1 signature matches the body and secret" });
    expect((await deliver(partner, "/hooks", body, { authorization })).status).toBe(400);

    const deliveries = await partner.waitFor((record) => record.kind === "delivery", 3);
    expect(deliveries.map(({ webhookId, type, signature, signatureProblem, status }) => ({ webhookId, type, signature, signatureProblem, status }))).toEqual([
      { webhookId: "msg_1", type: "order_created", signature: "valid", signatureProblem: undefined, status: 200 },
      { webhookId: "msg_2", type: "order_created", signature: "invalid", signatureProblem: "no v1 signature matches the body and secret", status: 400 },
      {
        webhookId: null,
        type: "order_created",
        signature: "invalid",
        signatureProblem: "missing header(s): webhook-id, webhook-timestamp, webhook-signature",
        status: 400,
      },
    ]);
  });

  it("checks v1a (Ed25519) signatures with a whpk_ public key", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const partner = await startPartner(["--port", "0", "--secret", `whpk_${raw.toString("base64")}`]);
    const authorization = `Bearer ${await tokenOf(partner)}`;
    const body = '{"data":{"event":{"title":"Summer Fest"}}}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`msg_ed.${timestamp}.${body}`), privateKey).toString("base64");
    const headers = { authorization, "webhook-id": "msg_ed", "webhook-timestamp": timestamp, "webhook-signature": `v1a,${signature}` };
    expect((await deliver(partner, "/event_created", body, headers)).status).toBe(200);
    expect(await partner.waitFor((record) => record.kind === "delivery")).toEqual([
      expect.objectContaining({ type: "event_created", signature: "valid" }),
    ]);
  });

  it("answers 401 without a token, marks a webhook-id it saw before as a repeat, and leaves signatures unchecked without --secret", async () => {
    const partner = await startPartner(["--port", "0"]);
    expect(partner.records()[0]).toMatchObject({ signatures: "unchecked" });
    const noToken = await deliver(partner, "/hooks", "{}", { "webhook-id": "msg_a" });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    const authorization = `Bearer ${await tokenOf(partner)}`;
    await deliver(partner, "/hooks", "{}", { authorization, "webhook-id": "msg_a" });
    await deliver(partner, "/hooks", "{}", { authorization, "webhook-id": "msg_b" });
    const deliveries = await partner.waitFor((record) => record.kind === "delivery", 3);
    expect(deliveries.map(({ webhookId, attempt, repeat, token, signature, status }) => ({ webhookId, attempt, repeat, token, signature, status }))).toEqual([
      { webhookId: "msg_a", attempt: 1, repeat: false, token: "missing", signature: "unchecked", status: 401 },
      { webhookId: "msg_a", attempt: 2, repeat: true, token: "issued", signature: "unchecked", status: 200 },
      { webhookId: "msg_b", attempt: 1, repeat: false, token: "issued", signature: "unchecked", status: 200 },
    ]);
  });

  it("answers a delivery without a token it issued with --any-token (a group without authentication), and says what came", async () => {
    const partner = await startPartner(["--port", "0", "--any-token"]);
    expect(partner.records()[0]).toMatchObject({ tokens: "any" });
    const noToken = await deliver(partner, "/hooks", "{}", { "webhook-id": "msg_open" });
    const foreign = await deliver(partner, "/hooks", "{}", { authorization: "Bearer not-one-of-mine", "webhook-id": "msg_foreign" });
    expect([noToken.status, foreign.status]).toEqual([200, 200]);
    const deliveries = await partner.waitFor((record) => record.kind === "delivery", 2);
    expect(deliveries.map(({ webhookId, token, status }) => ({ webhookId, token, status }))).toEqual([
      { webhookId: "msg_open", token: "missing", status: 200 },
      { webhookId: "msg_foreign", token: "unknown", status: 200 },
    ]);
  });

  it("answers each delivery only after --delay, and says so", async () => {
    const partner = await startPartner(["--port", "0", "--delay", "1s"], { json: false });
    const authorization = `Bearer ${await tokenOf(partner)}`;
    const sent = Date.now();
    const answer = await deliver(partner, "/order_created", '{"hello":"partner"}', { authorization, "webhook-id": "msg_slow" });
    expect(answer.status).toBe(200);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1000);
    const [line] = await partner.waitForLines((printed) => printed.includes("msg_slow"));
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d  msg_slow  order_created  attempt 1  token issued  signature unchecked  → 200 after 1 second  \{"hello":"partner"\}$/,
    );
    // The token endpoint is not slowed down: only deliveries stall.
    expect(await partner.waitForLines((printed) => printed.includes("token request"))).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d  token request   client "doo"  → 200 token issued$/),
    ]);
  });
});
