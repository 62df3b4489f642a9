import http from "node:http";
import { useForTests } from "./use-for-tests.js";
import { listenOnLoopback } from "./loopback-server.js";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** What the receiver answers; a function may vary it per request. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (a slow partner, or a timeout). */
  delayMs?: number;
  /** Answer only once this settles: a partner the test lets answer when it is ready. */
  until?: Promise<unknown>;
}

/**
 * A partner's webhook endpoint on loopback: records every request and answers as the test says
 * (200 by default). `answers` are used in order, then `fallback`.
 */
export async function startReceiver() {
  const requests: ReceivedRequest[] = [];
  const answers: Answer[] = [];
  let fallback: Answer | ((request: ReceivedRequest) => Answer) = { status: 200 };
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const received: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      requests.push(received);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      const answer = answers.shift() ?? (typeof fallback === "function" ? fallback(received) : fallback);
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status ?? 200, { "content-type": "text/plain", ...answer.headers });
        response.end(answer.body ?? "");
      };
      const answerNow = () => (answer.delayMs ? setTimeout(send, answer.delayMs) : send());
      if (answer.until) void answer.until.then(answerNow, answerNow);
      else answerNow();
    });
  });
  server.keepAliveTimeout = 1000;
  const { port, close } = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Queue answers for the next requests, in order. */
    answerNext(...next: Answer[]) {
      answers.push(...next);
    },
    answerAlways(answer: Answer | ((request: ReceivedRequest) => Answer)) {
      fallback = answer;
    },
    /** Resolves once `count` requests in all have arrived; rejects after `timeoutMs`. */
    waitFor(count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
      if (requests.length >= count) return Promise.resolve(requests.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the receiver got ${requests.length} requests, expected ${count}, within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(requests.slice())) });
      });
    },
    close,
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A receiver for the file's (or describe block's) tests: started before them, closed after them. */
export function useReceiver(): Receiver {
  return useForTests(startReceiver, (receiver) => receiver.close());
}
