import { isIPv4, isIPv6 } from "node:net";

/**
 * Which IP addresses hookgate may call. Hook and token endpoints are chosen by integrators, so an
 * endpoint must not become a way to reach the operator's own network (databases, admin ports, the
 * cloud metadata service at 169.254.169.254). Only globally routable unicast addresses pass.
 *
 * Parsed by hand rather than with `net.BlockList` because the dangerous cases are the IPv6 forms
 * that carry an IPv4 address inside (::ffff:127.0.0.1, ::ffff:7f00:1, 64:ff9b::a00:1): each must be
 * judged by the IPv4 address it reaches, which a list of ranges does not express.
 */

type Range = readonly [base: number, prefix: number, reason: string];

const IPV4_REFUSED: readonly Range[] = [
  [ipv4Number([0, 0, 0, 0]), 8, "unspecified address"],
  [ipv4Number([10, 0, 0, 0]), 8, "private address"],
  [ipv4Number([100, 64, 0, 0]), 10, "shared (CGNAT) address"],
  [ipv4Number([127, 0, 0, 0]), 8, "loopback address"],
  [ipv4Number([169, 254, 0, 0]), 16, "link-local address"],
  [ipv4Number([172, 16, 0, 0]), 12, "private address"],
  [ipv4Number([192, 0, 0, 0]), 24, "IETF protocol address"],
  [ipv4Number([192, 0, 2, 0]), 24, "documentation address"],
  [ipv4Number([192, 168, 0, 0]), 16, "private address"],
  [ipv4Number([198, 18, 0, 0]), 15, "benchmarking address"],
  [ipv4Number([198, 51, 100, 0]), 24, "documentation address"],
  [ipv4Number([203, 0, 113, 0]), 24, "documentation address"],
  [ipv4Number([224, 0, 0, 0]), 4, "multicast address"],
  // Listed before 240/4 only so the reason is the more telling one.
  [ipv4Number([255, 255, 255, 255]), 32, "broadcast address"],
  [ipv4Number([240, 0, 0, 0]), 4, "reserved address"],
];

/** True when hookgate may connect to `ip`; anything that is not an IP address is not public. */
export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip) === undefined;
}

/**
 * Why `ip` is refused ("loopback address", "private address", …), or undefined when it is public.
 * Accepts the forms sockets and URLs produce: brackets ("[::1]") and zone ids ("fe80::1%eth0").
 */
export function classifyAddress(ip: string): string | undefined {
  let text = ip.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  // The zone only picks an interface; the address is link-local either way.
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  if (isIPv4(text)) return classifyIpv4(parseIpv4(text));
  if (isIPv6(text)) return classifyIpv6(parseIpv6(text));
  return "not an IP address";
}

function classifyIpv4(octets: readonly number[]): string | undefined {
  const value = ipv4Number(octets);
  for (const [base, prefix, reason] of IPV4_REFUSED) {
    if (inPrefix(value, base, prefix)) return reason;
  }
  return undefined;
}

function classifyIpv6(h: readonly number[]): string | undefined {
  const at = (i: number): number => h[i] ?? 0;
  const zeroUpTo = (end: number): boolean => h.slice(0, end).every((x) => x === 0);
  const embedded = (hi: number, lo: number): number[] => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
  const judgeEmbedded = (form: string, octets: number[]): string | undefined => {
    const reason = classifyIpv4(octets);
    return reason === undefined ? undefined : `${reason} (${form} ${octets.join(".")})`;
  };

  if (zeroUpTo(8)) return "unspecified address";
  if (zeroUpTo(7) && at(7) === 1) return "loopback address";
  // ::ffff:a.b.c.d is how dual-stack sockets spell IPv4 peers: connecting to it reaches a.b.c.d.
  if (zeroUpTo(5) && at(5) === 0xffff) return judgeEmbedded("IPv4-mapped", embedded(at(6), at(7)));
  if (zeroUpTo(4) && at(4) === 0xffff && at(5) === 0) return judgeEmbedded("IPv4-translated", embedded(at(6), at(7)));
  // ::a.b.c.d (deprecated IPv4-compatible form); some stacks still route it to a.b.c.d.
  if (zeroUpTo(6)) return judgeEmbedded("IPv4-compatible", embedded(at(6), at(7)));
  // NAT64 well-known prefix: the gateway forwards to the embedded IPv4 address.
  if (at(0) === 0x64 && at(1) === 0xff9b && h.slice(2, 6).every((x) => x === 0)) {
    return judgeEmbedded("NAT64", embedded(at(6), at(7)));
  }
  if (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 1) return "local-use NAT64 address";
  // 6to4 relays reach the IPv4 address in bits 16–47.
  if (at(0) === 0x2002) return judgeEmbedded("6to4", embedded(at(1), at(2)));
  if (at(0) === 0x100 && h.slice(1, 4).every((x) => x === 0)) return "discard-only address";
  if (at(0) === 0x2001 && at(1) === 0xdb8) return "documentation address";
  if ((at(0) & 0xfe00) === 0xfc00) return "unique local address";
  if ((at(0) & 0xffc0) === 0xfe80) return "link-local address";
  if ((at(0) & 0xffc0) === 0xfec0) return "site-local address";
  if ((at(0) & 0xff00) === 0xff00) return "multicast address";
  return undefined;
}

function parseIpv4(text: string): number[] {
  return text.split(".").map((part) => Number.parseInt(part, 10));
}

/** Eight 16-bit groups; the input has already been validated by `net.isIPv6`. */
function parseIpv6(text: string): number[] {
  let source = text;
  // A dotted tail ("::ffff:10.0.0.1") stands for the last two groups.
  const lastColon = source.lastIndexOf(":");
  const tail = source.slice(lastColon + 1);
  if (tail.includes(".")) {
    const [a = 0, b = 0, c = 0, d = 0] = parseIpv4(tail);
    source = `${source.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = source.split("::");
  const groups = (part: string): number[] => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const before = groups(head);
  if (rest === undefined) return before;
  const after = groups(rest);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

function ipv4Number(octets: readonly number[]): number {
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function inPrefix(value: number, base: number, prefix: number): boolean {
  // `x << 32` is `x << 0` in JavaScript, so a /0 needs its own mask.
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((value & mask) >>> 0) === ((base & mask) >>> 0);
}
