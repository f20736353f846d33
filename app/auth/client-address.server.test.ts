// Which address a login attempt is counted against: the socket's peer, and X-Forwarded-For only through trusted proxies.
import { describe, expect, it } from "vitest";
import { clientAddress, normaliseAddress } from "~/auth/client-address.server";

const PEER = "x-optilearn-peer-address";
const request = (headers: Record<string, string>) => new Request("http://localhost/login", { headers });

describe("normaliseAddress", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::9", "2001:db8:1:2::/64"],
    ["[2001:db8::1]", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
  ])("%s counts as %s", (raw, expected) => {
    expect(normaliseAddress(raw)).toBe(expected);
  });

  it.each(["", "unknown", "203.0.113.7:5000", "not an ip", "999.1.1.1"])("refuses %j", (raw) => {
    expect(normaliseAddress(raw)).toBeNull();
  });
});

describe("clientAddress", () => {
  it("uses the socket's address and ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(clientAddress(request({ [PEER]: "::ffff:127.0.0.1", "X-Forwarded-For": "198.51.100.1" }), 0)).toBe(
      "127.0.0.1",
    );
  });

  it("takes the entry the trusted proxies appended, not what the client wrote further left", () => {
    const forwarded = "6.6.6.6, 198.51.100.1, 10.0.0.2";
    expect(clientAddress(request({ [PEER]: "10.0.0.3", "X-Forwarded-For": forwarded }), 1)).toBe("10.0.0.2");
    expect(clientAddress(request({ [PEER]: "10.0.0.3", "X-Forwarded-For": forwarded }), 2)).toBe("198.51.100.1");
  });

  it("falls back to the socket when the proxy sent no usable header, and to null when nothing is known", () => {
    expect(clientAddress(request({ [PEER]: "10.0.0.3" }), 1)).toBe("10.0.0.3");
    expect(clientAddress(request({ [PEER]: "10.0.0.3", "X-Forwarded-For": "garbage" }), 1)).toBe("10.0.0.3");
    expect(clientAddress(request({}), 0)).toBeNull();
  });
});
