import { createHash, createHmac } from "node:crypto";

/** How long the JWT in x-webhook-secret is valid; a replayed request after that fails verification. */
const lifetimeSeconds = 300;

/**
 * Dozuki's `x-webhook-secret`: an HS256 JWT signed with the group's secret key. Its claims tie it
 * to this request: `jti` is the webhook-id, `body_sha256` the hex SHA-256 of the exact body.
 */
export function webhookSecretJwt(input: { secretKey: string; webhookId: string; body: string; now: Date }): string {
  const iat = Math.floor(input.now.getTime() / 1000);
  const header = encode({ alg: "HS256", typ: "JWT" });
  const claims = encode({
    iat,
    exp: iat + lifetimeSeconds,
    jti: input.webhookId,
    body_sha256: createHash("sha256").update(input.body, "utf8").digest("hex"),
  });
  const signature = createHmac("sha256", input.secretKey).update(`${header}.${claims}`).digest("base64url");
  return `${header}.${claims}.${signature}`;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}
