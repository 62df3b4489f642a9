import { parseDuration } from "../duration.js";
import { PartnerStartError, startPartner } from "../partner/partner.js";
import type { PartnerOptions } from "../partner/settings.js";
import { verifyWebhook, WebhookVerificationError } from "../verify-webhook.js";
import { parseCommandArgs, type Outcome } from "./command.js";
import { UsageError } from "./usage.js";

/** `hookgate partner`: a local partner (token endpoint and receiver) until SIGINT or SIGTERM. */
export async function partner(args: string[]): Promise<Outcome> {
  const options = partnerOptions(args);
  let running;
  try {
    running = await startPartner(options, (line) => console.log(line));
  } catch (error) {
    if (!(error instanceof PartnerStartError)) throw error;
    console.error(`hookgate partner: ${error.message}`);
    return 1;
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return "running";
}

/** Every flag checked before anything listens: a bad one is a UsageError naming it (exit 2). */
export function partnerOptions(args: string[]): PartnerOptions {
  const { values } = parseCommandArgs("partner", args, {
    port: { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    secret: { type: "string" },
    "fail-rate": { type: "string" },
    delay: { type: "string" },
    seed: { type: "string" },
    "doo-token": { type: "boolean" },
    "any-token": { type: "boolean" },
    json: { type: "boolean" },
  });
  const refuse = (problem: string) => new UsageError(problem, "partner");

  const port = values.port === undefined ? 4001 : Number(values.port);
  if (!/^\d{1,5}$/.test(values.port ?? "0") || port > 65535) {
    throw refuse(`--port: expected a port number from 0 to 65535, got "${values.port}"`);
  }
  const credential = (flag: string, value: string | undefined) => {
    if (value !== undefined && !/^[\x21-\x7e]{1,200}$/.test(value)) {
      throw refuse(`--${flag}: 1 to 200 printable ASCII characters, no spaces`);
    }
    return value;
  };
  const failRate = values["fail-rate"] === undefined ? 0 : rate(values["fail-rate"]);
  if (failRate === undefined) throw refuse(`--fail-rate: expected a number from 0 to 1 (0.2) or a percentage (20%), got "${values["fail-rate"]}"`);
  const delayMs = values.delay === undefined ? 0 : parseDuration(values.delay);
  if (delayMs === undefined) throw refuse(`--delay: expected a duration such as 500ms, 2s or 1m, got "${values.delay}"`);
  if (values.seed !== undefined && !/^\d{1,9}$/.test(values.seed)) {
    throw refuse(`--seed: expected a whole number from 0 to 999999999, got "${values.seed}"`);
  }
  const secret = values.secret ?? null;
  if (secret !== null) checkSecret(secret, refuse);

  return {
    port,
    clientId: credential("client-id", values["client-id"]) ?? "doo",
    ...(values["client-secret"] === undefined ? {} : { clientSecret: credential("client-secret", values["client-secret"])! }),
    secret,
    failRate,
    delayMs,
    dooToken: values["doo-token"] === true,
    anyToken: values["any-token"] === true,
    json: values.json === true,
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
  };
}

function rate(text: string): number | undefined {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  const value = percent ? Number(percent[1]) / 100 : /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : NaN;
  return value >= 0 && value <= 1 ? value : undefined;
}

// verifyWebhook reads the secret before anything else: a TypeError means the secret itself is
// unusable, a verification error means it was read and only the (empty) request failed.
function checkSecret(secret: string, refuse: (problem: string) => UsageError): void {
  try {
    verifyWebhook({ secret, headers: {}, body: "" });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return;
    const reason = error instanceof Error ? error.message : "unusable";
    throw refuse(`--secret: ${reason}`);
  }
}
