import type { IncomingHttpHeaders } from "node:http";
import type { HookType } from "../store/column-values.js";
import { verifyWebhook, WebhookVerificationError } from "../verify-webhook.js";
import type { Answer } from "./token-endpoint.js";
import type { TokenMint, TokenState } from "./tokens.js";

export interface ReceiverOptions {
  /** The group's signing secret (whsec_…) or public key (whpk_…); null: signatures unchecked. */
  secret: string | null;
  /** Deliveries without a Bearer token it issued are answered too, not refused with 401. */
  anyToken: boolean;
  /** The share of otherwise good deliveries answered 500, from 0 to 1. */
  failRate: number;
  /** A number in [0, 1) per good delivery: below failRate fails it. Seeded for repeatable runs. */
  chance: () => number;
}

export type SignatureState = "valid" | "invalid" | "unchecked";

/** One request to the receiver, as the partner reports it. */
export interface DeliveryRecord {
  kind: "delivery";
  method: string;
  path: string;
  webhookId: string | null;
  /** The hook type: the payload's `type`, else the path's last segment when it names a hook type. */
  type: string | null;
  /** How many times this partner process has seen this webhook-id, this one included. */
  attempt: number;
  repeat: boolean;
  token: TokenState;
  signature: SignatureState;
  /** Why the signature did not verify. */
  signatureProblem?: string;
  sandbox: boolean;
  status: number;
  /** Answered 500 by --fail-rate's draw, not for anything wrong with the request. */
  failedOnPurpose: boolean;
  body: string;
}

// Keyed by the store's HookType, so a hook type added there cannot be missed here.
const hookTypeNames: Record<HookType, string> = {
  EVENT_CREATED: "event_created",
  EVENT_UPDATED: "event_updated",
  EVENT_REMOVED: "event_removed",
  ORDER_CREATED: "order_created",
  ORDER_UPDATED: "order_updated",
  ORDER_CANCELLED: "order_cancelled",
  ORDER_REMOVED: "order_removed",
  GROUP_DISABLED: "group_disabled",
  DELIVERY_FAILED: "delivery_failed",
  GROUP_RECOVERED: "group_recovered",
};
const hookTypes = new Set(Object.values(hookTypeNames));
// Enough to mark repeats in any session a person watches; the oldest ids are forgotten first.
const rememberedIds = 100_000;

/**
 * The partner's webhook endpoint: any path but the token endpoint. Refuses what a careful partner
 * refuses — 401 without a token it issued, 400 for a signature that does not verify — and fails
 * a good delivery on purpose with --fail-rate's probability.
 */
export class Receiver {
  readonly #seen = new Map<string, number>();

  constructor(
    readonly options: ReceiverOptions,
    readonly mint: TokenMint,
  ) {}

  receive(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): { answer: Answer; record: DeliveryRecord } {
    const webhookId = single(headers["webhook-id"]);
    const attempt = webhookId === null ? 1 : this.#count(webhookId);
    const text = body.toString("utf8");
    const token = this.mint.check(single(headers.authorization) ?? undefined);
    const { signature, problem } = this.#verify(headers, body);
    const record: DeliveryRecord = {
      kind: "delivery",
      method,
      path,
      webhookId,
      type: hookTypeOf(text, path),
      attempt,
      repeat: attempt > 1,
      token,
      signature,
      ...(problem === undefined ? {} : { signatureProblem: problem }),
      sandbox: single(headers["webhook-mode"]) === "sandbox",
      status: 200,
      failedOnPurpose: false,
      body: text,
    };
    const answer = (status: number, content: object) => {
      record.status = status;
      const extra: Record<string, string> = status === 401 ? { "www-authenticate": 'Bearer error="invalid_token"' } : {};
      return { answer: { status, headers: { "content-type": "application/json", ...extra }, body: JSON.stringify(content) }, record };
    };

    if (token !== "issued" && !this.options.anyToken) return answer(401, { error: "invalid_token", error_description: tokenProblem[token] });
    if (signature === "invalid") return answer(400, { error: "invalid_signature", error_description: problem });
    if (this.options.failRate > 0 && this.options.chance() < this.options.failRate) {
      record.failedOnPurpose = true;
      return answer(500, { error: `failing on purpose (--fail-rate ${this.options.failRate})` });
    }
    return answer(200, { received: true });
  }

  #verify(headers: IncomingHttpHeaders, body: Buffer): { signature: SignatureState; problem?: string } {
    if (this.options.secret === null) return { signature: "unchecked" };
    try {
      verifyWebhook({ secret: this.options.secret, headers, body });
      return { signature: "valid" };
    } catch (error) {
      if (error instanceof WebhookVerificationError) return { signature: "invalid", problem: error.message };
      throw error;
    }
  }

  #count(webhookId: string): number {
    const count = (this.#seen.get(webhookId) ?? 0) + 1;
    this.#seen.delete(webhookId);
    this.#seen.set(webhookId, count);
    if (this.#seen.size > rememberedIds) this.#seen.delete(this.#seen.keys().next().value!);
    return count;
  }
}

const tokenProblem: Record<Exclude<TokenState, "issued">, string> = {
  missing: "no Authorization: Bearer token",
  unknown: "the Bearer token is not one this partner issued",
  expired: "the Bearer token has expired",
};

function single(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

// An origin query's payload says what it queried, not why it was sent: a partner tells hook types
// apart by giving each hook an endpoint of its own, as the group the partner prints does.
function hookTypeOf(body: string, path: string): string | null {
  let type: unknown;
  try {
    type = (JSON.parse(body) as { type?: unknown } | null)?.type;
  } catch {
    type = new URLSearchParams(body).get("type");
  }
  if (typeof type === "string" && type !== "") return type;
  const last = path.split("?")[0]!.split("/").filter(Boolean).pop()?.toLowerCase();
  return last !== undefined && hookTypes.has(last) ? last : null;
}
