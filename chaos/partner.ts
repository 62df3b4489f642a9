import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "../src/verify-webhook.js";

/** What the partner does with a delivery right now: accept it, fail it, or never answer. */
export type PartnerMode = "ok" | "5xx" | "stall";

/** The partner's own record of one webhook-id: the ledger's source of truth for "delivered". */
export interface Receipt {
  readonly webhookId: string;
  /** The publication's number in the run (its `data.chaos.seq`); null if the body did not carry one. */
  readonly seq: number | null;
  /** The hook's path: which group it came through. */
  readonly path: string;
  requests: number;
  /** Answers 2xx that were written out in full. */
  ok: number;
}

export interface PartnerCounters {
  requests: number;
  answered5xx: number;
  stalled: number;
  /** Refused with 401: no Bearer token, or one the token endpoint never issued or that expired. */
  badToken: number;
  /** Refused with 400: the Standard Webhooks signature did not verify with the group's secret. */
  badSignature: number;
}

export interface Partner {
  readonly url: string;
  setMode(mode: PartnerMode): void;
  /** The signing secret of the group whose hook posts to `path`. */
  trust(path: string, signingSecret: string): void;
  receipts(): Receipt[];
  counters(): PartnerCounters;
  close(): Promise<void>;
}

/**
 * The partner system every hook points at: it checks what a careful partner checks (a token
 * from its token endpoint, the signature) and records each webhook-id it accepted. Its mode is
 * set by the fault schedule: 500s, or stalls past hookgate's delivery timeout.
 */
export async function startPartner(tokenIsValid: (token: string) => boolean): Promise<Partner> {
  const secrets = new Map<string, string>();
  const receipts = new Map<string, Receipt>();
  const counters: PartnerCounters = { requests: 0, answered5xx: 0, stalled: 0, badToken: 0, badSignature: 0 };
  let mode: PartnerMode = "ok";

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      counters.requests += 1;
      const path = new URL(request.url ?? "/", "http://partner.invalid").pathname;
      if (mode === "stall") {
        // Held until hookgate gives up and closes the connection.
        counters.stalled += 1;
        return;
      }
      if (mode === "5xx") {
        counters.answered5xx += 1;
        return answer(response, 500);
      }
      const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ""))?.[1];
      if (!token || !tokenIsValid(token)) {
        counters.badToken += 1;
        return answer(response, 401);
      }
      const body = Buffer.concat(chunks);
      let webhookId: string;
      try {
        ({ id: webhookId } = verifyWebhook({ secret: secrets.get(path) ?? "whsec_", headers: request.headers, body }));
      } catch {
        counters.badSignature += 1;
        return answer(response, 400);
      }
      let receipt = receipts.get(webhookId);
      if (!receipt) {
        receipt = { webhookId, seq: seqOf(body), path, requests: 0, ok: 0 };
        receipts.set(webhookId, receipt);
      }
      receipt.requests += 1;
      const accepted = receipt;
      // Counted once the answer is written: a 2xx hookgate cannot have seen is not a delivery.
      response.once("finish", () => (accepted.ok += 1));
      answer(response, 200);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (next) => (mode = next),
    trust: (path, secret) => secrets.set(path, secret),
    receipts: () => [...receipts.values()].map((receipt) => ({ ...receipt })),
    counters: () => ({ ...counters }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(response: http.ServerResponse, status: number): void {
  response.writeHead(status, { "content-length": "0" });
  response.end();
}

function seqOf(body: Buffer): number | null {
  try {
    const seq = (JSON.parse(body.toString("utf8")) as { data?: { chaos?: { seq?: unknown } } }).data?.chaos?.seq;
    return typeof seq === "number" ? seq : null;
  } catch {
    return null;
  }
}
