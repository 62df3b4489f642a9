import { formatDuration } from "../duration.js";
import type { PartnerSettings } from "./settings.js";

export interface PartnerUrls {
  /** Where hooks deliver; any path but /oauth/token is the receiver. */
  base: string;
  tokenEndpoint: string;
}

/** The line --json prints on start: everything the readable banner says, as data. */
export function listeningRecord(settings: PartnerSettings, urls: PartnerUrls, generatedSecret: boolean) {
  return {
    kind: "listening",
    receiverUrl: `${urls.base}/`,
    tokenEndpoint: urls.tokenEndpoint,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    clientSecretGenerated: generatedSecret,
    signatures: settings.secret === null ? "unchecked" : "checked",
    tokenAnswer: settings.dooToken ? "doo" : "oauth2",
    tokens: settings.anyToken ? "any" : "issued",
    failRate: settings.failRate,
    delayMs: settings.delayMs,
  };
}

/** What the partner prints on start: what to paste into a webhook group, and a command that does it. */
export function banner(settings: PartnerSettings, urls: PartnerUrls, generatedSecret: boolean): string {
  const behaviour = [
    settings.failRate > 0 ? `fails ${Math.round(settings.failRate * 100)} % of good deliveries with 500` : "",
    settings.delayMs > 0 ? `answers each delivery after ${formatDuration(settings.delayMs)}` : "",
  ].filter(Boolean);
  return `hookgate partner: listening on ${urls.base}
  receiver URL:    ${urls.base}/<any path>   (e.g. ${urls.base}/event_created)
  token endpoint:  ${urls.tokenEndpoint}   (OAuth2 client credentials${settings.dooToken ? ", doo's answer" : ""})
  client id:       ${settings.clientId}
  client secret:   ${settings.clientSecret}${generatedSecret ? "   (generated: pass --client-secret to choose one)" : ""}${
    settings.anyToken ? "\n  tokens:          not required (--any-token): a delivery without one is answered too" : ""
  }
  signatures:      ${
    settings.secret === null
      ? "unchecked: pass --secret whsec_… (the group's signingSecret) to check them"
      : "checked against --secret"
  }${behaviour.length ? `\n  on purpose:      ${behaviour.join("; ")}` : ""}
${settings.secret === null ? groupAdvice(settings, urls) : ""}
One line per request follows.
`;
}

// Given --secret, the group exists already (hookgate made the secret when it created it).
function groupAdvice(settings: PartnerSettings, urls: PartnerUrls): string {
  return `
A webhook group delivering here (with hookgate on :4000 and your admin key in $KEY):

${createGroupCommand(settings, urls)}

Its answer shows the group's signingSecret once: restart with --client-secret ${settings.clientSecret}
--secret whsec_… to check signatures too.
`;
}

function createGroupCommand(settings: PartnerSettings, urls: PartnerUrls): string {
  const origin = JSON.stringify({
    operationName: "EventShort",
    variables: { id: "%EVENT_ID%" },
    query: "query EventShort($id: ID!) { event(id: $id) { title startDate endDate } }",
  });
  const body = {
    query:
      "mutation ($input: CreateWebhookGroupInput!) { createWebhookGroup(input: $input) { signingSecret webhookGroup { id } } }",
    variables: {
      input: {
        name: "Partner in a box",
        hooks: [
          { type: "EVENT_CREATED", endpoint: `${urls.base}/event_created`, origin: { body: origin } },
          { type: "ORDER_CREATED", endpoint: `${urls.base}/order_created` },
        ],
        authentication: {
          endpoint: urls.tokenEndpoint,
          credentials: { clientId: settings.clientId, clientSecret: settings.clientSecret },
        },
      },
    },
  };
  // A quoted here-document: the shell leaves the JSON alone, whatever the secret holds.
  return `curl -s http://localhost:4000/graphql -H 'content-type: application/json' -H "x-api-key: $KEY" -d @- <<'JSON'
${JSON.stringify(body, null, 1).replace(/\n\s*/g, " ")}
JSON`;
}
