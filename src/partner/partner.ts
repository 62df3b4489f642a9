import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { banner, listeningRecord, type PartnerUrls } from "./banner.js";
import { Receiver } from "./receiver.js";
import { formatRecord, type PartnerRecord } from "./report.js";
import { answerTokenRequest, type Answer } from "./token-endpoint.js";
import type { PartnerOptions, PartnerSettings } from "./settings.js";
import { TokenMint } from "./tokens.js";

export interface RunningPartner {
  urls: PartnerUrls;
  close(): Promise<void>;
}

/** The partner could not start; the message says why in an operator's words. */
export class PartnerStartError extends Error {}

const tokenPath = "/oauth/token";
// Far above any payload hookgate sends, low enough that a runaway client cannot fill the memory.
const maxBodyBytes = 10 * 1024 * 1024;

/**
 * `hookgate partner`: a partner system on loopback, in one process — an OAuth2 token endpoint at
 * /oauth/token and a webhook receiver on every other path — printing one line per request.
 */
export async function startPartner(options: PartnerOptions, print: (line: string) => void): Promise<RunningPartner> {
  const generatedSecret = options.clientSecret === undefined;
  const settings: PartnerSettings = { ...options, clientSecret: options.clientSecret ?? randomBytes(18).toString("base64url") };
  const mint = new TokenMint(settings.clientId, settings.clientSecret);
  const chance = options.seed === undefined ? Math.random : seededChance(options.seed);
  const receiver = new Receiver({ secret: settings.secret, anyToken: settings.anyToken, failRate: settings.failRate, chance }, mint);

  const server = http.createServer((request, response) => {
    const receivedAt = new Date();
    const path = request.url ?? "/";
    const method = request.method ?? "";
    let callerGone = false;
    response.on("close", () => (callerGone ||= !response.writableFinished));
    readBody(request).then((body) => {
      if (body === null) {
        send(response, { status: 413, headers: { "content-type": "text/plain" }, body: "request body too large" });
        return;
      }
      const isTokenRequest = path.split("?")[0] === tokenPath;
      const { answer, record } = isTokenRequest
        ? answerTokenRequest(method, request.headers, body.toString("utf8"), settings, mint)
        : receiver.receive(method, path, request.headers, body);
      const delayMs = isTokenRequest ? 0 : settings.delayMs;
      const answerNow = () => {
        send(response, answer);
        const full: PartnerRecord = { ...record, receivedAt, delayMs, callerGone: callerGone || response.destroyed };
        print(formatRecord(full, settings.json));
      };
      if (delayMs > 0) setTimeout(answerNow, delayMs);
      else answerNow();
    }, () => response.destroy());
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new PartnerStartError(
          error.code === "EADDRINUSE"
            ? `port ${options.port} is in use: stop what listens there, or pass --port`
            : `cannot listen on 127.0.0.1:${options.port}: ${error.message}`,
        ),
      ),
    );
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const urls = { base, tokenEndpoint: `${base}${tokenPath}` };
  print(settings.json ? JSON.stringify(listeningRecord(settings, urls, generatedSecret)) : banner(settings, urls, generatedSecret));

  return {
    urls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(request: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on("end", () => resolve(size <= maxBodyBytes ? Buffer.concat(chunks) : null));
    request.on("error", reject);
  });
}

function send(response: http.ServerResponse, answer: Answer): void {
  if (response.destroyed) return;
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function seededChance(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
