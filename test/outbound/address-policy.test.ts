import { describe, expect, it } from "vitest";
import { classifyAddress, isPublicAddress } from "../../src/outbound/address-policy.js";

describe("isPublicAddress", () => {
  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1", // just past 172.16/12
    "100.128.0.1", // just past 100.64/10
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8", // a mapped public address reaches a public host
    "64:ff9b::808:808", // NAT64 to 8.8.8.8
  ])("allows the public address %s", (ip) => {
    expect(classifyAddress(ip)).toBeUndefined();
    expect(isPublicAddress(ip)).toBe(true);
  });

  it.each([
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["10.255.255.1", "private"],
    ["100.64.0.1", "CGNAT"],
    ["100.127.255.254", "CGNAT"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["169.254.169.254", "link-local"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.8", "IETF"],
    ["192.168.1.1", "private"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
  ])("refuses the IPv4 address %s (%s)", (ip, reason) => {
    expect(classifyAddress(ip)).toContain(reason);
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each([
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fc00::1", "unique local"],
    ["fd12:3456:789a::1", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["ff02::1", "multicast"],
  ])("refuses the IPv6 address %s (%s)", (ip, reason) => {
    expect(classifyAddress(ip)).toContain(reason);
  });

  it.each([
    ["::ffff:127.0.0.1", "loopback address (IPv4-mapped 127.0.0.1)"],
    ["::ffff:7f00:1", "loopback address (IPv4-mapped 127.0.0.1)"],
    ["0:0:0:0:0:ffff:7f00:0001", "loopback address (IPv4-mapped 127.0.0.1)"],
    ["::FFFF:A9FE:A9FE", "link-local address (IPv4-mapped 169.254.169.254)"],
    ["::ffff:10.0.0.5", "private address (IPv4-mapped 10.0.0.5)"],
    ["::ffff:0.0.0.0", "unspecified address (IPv4-mapped 0.0.0.0)"],
    ["::127.0.0.1", "loopback address (IPv4-compatible 127.0.0.1)"],
    ["::ffff:0:7f00:1", "loopback address (IPv4-translated 127.0.0.1)"],
    ["64:ff9b::7f00:1", "loopback address (NAT64 127.0.0.1)"],
    ["64:ff9b::192.168.0.1", "private address (NAT64 192.168.0.1)"],
    ["2002:a00:1::1", "private address (6to4 10.0.0.1)"],
  ])("judges %s by the IPv4 address it carries", (ip, reason) => {
    expect(classifyAddress(ip)).toBe(reason);
  });

  it.each(["", "localhost", "example.com", "127.1", "2130706433", "0x7f000001", "1.2.3.4.5", "::ffff:1.2.3"])(
    "refuses %j, which is not an IP address",
    (text) => {
      expect(classifyAddress(text)).toBe("not an IP address");
      expect(isPublicAddress(text)).toBe(false);
    },
  );
});
