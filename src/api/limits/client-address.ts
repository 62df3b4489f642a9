import type { IncomingMessage } from "node:http";
import proxyAddress from "proxy-addr";

/**
 * Where a request comes from, for the limits keyed by address. Behind reverse proxies the
 * socket's address is the nearest proxy's, and every client would share one budget (one guesser
 * would lock every tenant out): with HOOKGATE_TRUSTED_PROXY_HOPS = n, the address is the one the
 * n-th proxy saw, read from the right of X-Forwarded-For. Entries further left are whatever the
 * client wrote and are never believed. proxy-addr is the parser Express uses for the same.
 */
export function clientAddress(request: IncomingMessage, trustedProxyHops: number): string {
  if (trustedProxyHops === 0) return request.socket.remoteAddress ?? "unknown";
  return proxyAddress(request, (_address, hop) => hop < trustedProxyHops);
}
