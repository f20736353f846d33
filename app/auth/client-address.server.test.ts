// Which address a login attempt is counted against: the socket's peer, and X-Forwarded-For only through trusted proxies.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientAddress, normaliseAddress, stopWritingPeerAddressOnRequestStart } from "~/auth/client-address.server";

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

describe("the peer address written on every request (remix-serve)", () => {
  /** What a plain node:http server's handler sees in the header, for a client that tries to set it itself. */
  async function headerSeen(): Promise<string | undefined> {
    let seen: IncomingMessage["headers"][string];
    const server = createServer((req, res) => {
      seen = req.headers[PEER];
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER]: "203.0.113.9" } }).then((r) => r.text());
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    return typeof seen === "string" ? seen : undefined;
  }

  it("overwrites a client's claim with the socket's address, until a server that writes it itself says so", async () => {
    expect(await headerSeen()).toBe("127.0.0.1");
    stopWritingPeerAddressOnRequestStart();
    // The production server's own bridge writes it for Remix; its event streams never ask the socket.
    expect(await headerSeen()).toBe("203.0.113.9");
  });
});
