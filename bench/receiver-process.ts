/**
 * The partner's endpoint, in a process of its own so its CPU is not hookgate's. node:http,
 * answers 200 with an empty body. Behaviour by path:
 *   /ok     200 at once
 *   /slow   200 after 50 ms (override with ?delay=ms)
 *   /flaky  500 the first time for about 5 % of webhook-ids (chosen from the id), then 200
 * It records, per webhook-id, the first arrival (performance.timeOrigin + performance.now(), the
 * same clock the parent uses), how many requests came and how many were answered 2xx. The parent
 * asks over IPC (see receiver-handle.ts) for counters and for the arrivals.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

export type ReceiverRequest =
  | { id: number; type: "stats" }
  | { id: number; type: "arrivals" }
  | { id: number; type: "reset" };

export interface ReceiverStats {
  requests: number;
  /** Distinct webhook-ids answered 2xx at least once. */
  delivered: number;
  /** Requests for a webhook-id already answered 2xx: a duplicate delivery. */
  duplicates: number;
  /** Webhook requests lacking an `authorization: Bearer …` or a `webhook-signature` header. */
  unauthenticated: number;
  unsigned: number;
  /** Answers 5xx on purpose (flaky path). */
  failedOnPurpose: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

/** [webhook-id, first arrival (epoch ms, fractional), requests, 2xx answers]. */
export type Arrival = [string, number, number, number];

const now = (): number => performance.timeOrigin + performance.now();

/** About one id in twenty: the last 16 bits of the (random) UUID, mod 20. */
export function failsOnce(webhookId: string): boolean {
  const tail = Number.parseInt(webhookId.replace(/-/g, "").slice(-4), 16);
  return Number.isFinite(tail) && tail % 20 === 0;
}

function main(): void {
  interface Seen {
    first: number;
    requests: number;
    ok: number;
  }
  let seen = new Map<string, Seen>();
  let stats = { requests: 0, delivered: 0, duplicates: 0, unauthenticated: 0, unsigned: 0, failedOnPurpose: 0 };

  const server = http.createServer((request, response) => {
    const arrived = now();
    // The body is read and dropped: only its arrival matters.
    request.resume();
    request.on("end", () => {
      stats.requests += 1;
      const url = request.url ?? "/";
      const webhookId = request.headers["webhook-id"];
      let status = 200;
      let delayMs = 0;
      if (url.startsWith("/slow")) delayMs = Number(new URL(url, "http://x").searchParams.get("delay") ?? 50);
      let entry: Seen | undefined;
      if (typeof webhookId === "string") {
        if (!String(request.headers.authorization ?? "").startsWith("Bearer ")) stats.unauthenticated += 1;
        if (!request.headers["webhook-signature"]) stats.unsigned += 1;
        entry = seen.get(webhookId);
        if (!entry) {
          entry = { first: arrived, requests: 0, ok: 0 };
          seen.set(webhookId, entry);
        }
        entry.requests += 1;
        if (url.startsWith("/flaky") && entry.requests === 1 && failsOnce(webhookId)) {
          status = 500;
          stats.failedOnPurpose += 1;
        }
      }
      const answer = () => {
        if (entry && status === 200) {
          if (entry.ok > 0) stats.duplicates += 1;
          else stats.delivered += 1;
          entry.ok += 1;
        }
        response.writeHead(status, { "content-length": "0" });
        response.end();
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.maxRequestsPerSocket = 0;

  process.on("message", (message: ReceiverRequest) => {
    const reply = (body: unknown) => process.send?.({ id: message.id, body });
    if (message.type === "stats") {
      const cpu = process.cpuUsage();
      reply({ ...stats, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 } satisfies ReceiverStats);
    } else if (message.type === "arrivals") {
      reply([...seen].map(([id, entry]): Arrival => [id, entry.first, entry.requests, entry.ok]));
    } else if (message.type === "reset") {
      seen = new Map();
      stats = { requests: 0, delivered: 0, duplicates: 0, unauthenticated: 0, unsigned: 0, failedOnPurpose: 0 };
      reply(true);
    }
  });
  process.on("disconnect", () => process.exit(0));
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ ready: `http://127.0.0.1:${port}` });
  });
}

// Imported by the parent for `failsOnce` and the types; started as a child it serves.
if (process.send && process.env.HOOKGATE_BENCH_RECEIVER === "1") main();
