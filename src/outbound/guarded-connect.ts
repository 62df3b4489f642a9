import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net, { type LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import { Agent, buildConnector, type Dispatcher } from "undici";
import { classifyAddress } from "./address-policy.js";

/**
 * The SSRF guard, applied where the connection is made so that the address checked is the one
 * actually connected to. Checking a URL's host name up front is not enough: the name can resolve
 * differently a moment later (DNS rebinding), and undici or node:http would then resolve it again.
 * Three checks, each covering what the one before cannot see:
 *  1. names: a `lookup` that hands the socket only public addresses;
 *  2. IP literals ("127.0.0.1", "::1", and "2130706433" once the URL parser has normalized it):
 *     no lookup happens for them, so they are judged before any connect is attempted;
 *  3. the connected socket's `remoteAddress`, in case anything reached a socket another way.
 */

export class BlockedAddressError extends Error {
  override readonly name = "BlockedAddressError";
  /** Stable through libraries that copy `code` but not the class (Wreck/Boom, undici). */
  readonly code = "HOOKGATE_BLOCKED_ADDRESS";
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      `refused to connect to ${address} (${reason}) for host ${host}; set HOOKGATE_ALLOW_PRIVATE_TARGETS=true to allow`,
    );
  }
}

/**
 * `dns.lookup` that drops private candidates and fails when none remain. Filtering rather than
 * refusing the whole name keeps dual-stack partners reachable when one family resolves to, say, a
 * ULA; it is safe because the socket only ever tries the addresses returned here.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true as const }, (error, addresses) => {
    if (error) return callback(error, "");
    const allowed = addresses.filter((candidate) => classifyAddress(candidate.address) === undefined);
    const first = allowed[0];
    if (first === undefined) {
      const refused = addresses[0];
      const reason = refused === undefined ? "no address" : (classifyAddress(refused.address) ?? "no address");
      return callback(new BlockedAddressError(hostname, refused?.address ?? "(none)", reason), "");
    }
    if (options.all) return callback(null, allowed);
    return callback(null, first.address, first.family);
  });
};

/** Refusal for a host that is an IP literal and not public; undefined for names and public IPs. */
export function refuseLiteralHost(host: string): BlockedAddressError | undefined {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (net.isIP(bare.split("%")[0] ?? "") === 0) return undefined; // a name: the lookup judges it
  const reason = classifyAddress(bare);
  return reason === undefined ? undefined : new BlockedAddressError(host, bare, reason);
}

/** Refusal for a connected socket whose peer is not public (or unknown, which cannot be judged). */
export function refuseConnectedSocket(socket: net.Socket, host: string): BlockedAddressError | undefined {
  const address = socket.remoteAddress;
  if (address === undefined) return new BlockedAddressError(host, "(unknown)", "peer address not known");
  const reason = classifyAddress(address);
  return reason === undefined ? undefined : new BlockedAddressError(host, address, reason);
}

/**
 * Wraps an undici connector with checks 2 and 3. The peer check runs before the socket is handed
 * to undici, so no request byte reaches a refused peer (for TLS the handshake has happened by then).
 */
export function guardConnector(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const refused = refuseLiteralHost(options.hostname);
    if (refused) {
      queueMicrotask(() => callback(refused, null));
      return;
    }
    connect(options, (error, socket) => {
      if (error) return callback(error, null);
      const late = refuseConnectedSocket(socket, options.hostname);
      if (late) {
        socket.destroy();
        return callback(late, null);
      }
      callback(null, socket);
    });
  };
}

export interface OutboundOptions {
  /** Tests and the local demo call loopback receivers; production leaves this false. */
  allowPrivateTargets: boolean;
  connectTimeoutMs?: number;
}

/** The undici dispatcher for every call to a partner: keep-alive pooled, guarded unless allowed. */
export function createOutboundDispatcher({ allowPrivateTargets, connectTimeoutMs = 10_000 }: OutboundOptions): Dispatcher {
  if (allowPrivateTargets) {
    return new Agent({ connect: buildConnector({ timeout: connectTimeoutMs }) });
  }
  const connect = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup });
  return new Agent({ connect: guardConnector(connect) });
}

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;

/**
 * Checks 2 and 3 for node:http agents. A refused literal goes to the agent's callback, the path
 * node itself uses for a failed connection, so the request emits it as its `error`. The peer check
 * runs first among the "connect" listeners: before TLS starts and before queued request bytes flush.
 */
function guardNodeConnection(options: http.ClientRequestArgs, callback: ConnectionCallback | undefined, open: () => Duplex | null | undefined) {
  const host = options.host || options.hostname || "localhost";
  const refused = refuseLiteralHost(host);
  if (refused) {
    // Node's own callback takes the error alone on failure; the typings insist on a stream.
    const fail = callback as ((error: Error) => void) | undefined;
    process.nextTick(() => fail?.(refused));
    return undefined;
  }
  const socket = open();
  if (socket instanceof net.Socket) {
    socket.prependOnceListener("connect", () => {
      const late = refuseConnectedSocket(socket, host);
      if (late) socket.destroy(late);
    });
  }
  return socket;
}

class GuardedHttpAgent extends http.Agent {
  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): Duplex | null | undefined {
    return guardNodeConnection(options, callback, () => super.createConnection(options, callback));
  }
}

class GuardedHttpsAgent extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: ConnectionCallback): Duplex | null | undefined {
    return guardNodeConnection(options, callback, () => super.createConnection(options, callback));
  }
}

/**
 * node:http agents with the same guard, for libraries built on node:http (simple-oauth2 through
 * @hapi/wreck). Agent options win over per-request options in node, so a request cannot swap the
 * lookup out.
 */
export function createGuardedNodeAgents({ allowPrivateTargets }: { allowPrivateTargets: boolean }): {
  http: http.Agent;
  https: https.Agent;
} {
  if (allowPrivateTargets) {
    return { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  }
  return {
    http: new GuardedHttpAgent({ keepAlive: true, lookup: guardedLookup }),
    https: new GuardedHttpsAgent({ keepAlive: true, lookup: guardedLookup }),
  };
}
