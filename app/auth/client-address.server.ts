// The address a request came from: the socket's peer, or X-Forwarded-For only as far as TRUST_PROXY says proxies are ours.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { isIPv4, isIPv6, type Socket } from "node:net";
import { getEnv } from "~/config/env.server";

/**
 * A Fetch Request knows nothing of its socket. The production server writes the peer address into this header itself;
 * under `npm run dev` (remix-serve) Node announces every incoming request on a diagnostics channel before any handler
 * runs, and the address is written there. Either way a client sending the header has it overwritten.
 */
export const PEER_ADDRESS_HEADER = "x-optilearn-peer-address";

const REQUEST_START = "http.server.request.start";

function writePeerAddress(message: unknown) {
  const { request, socket } = message as { request: IncomingMessage; socket: Socket };
  request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? "";
}
subscribe(REQUEST_START, writePeerAddress);

/**
 * For a server that writes the header itself, only on the requests it hands to Remix: an event stream, which lives for
 * hours, then never asks its socket for the address (Node keeps the answer on the socket).
 */
export function stopWritingPeerAddressOnRequestStart(): void {
  unsubscribe(REQUEST_START, writePeerAddress);
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) is the IPv4 address; IPv6 counts by its /64, what one customer is usually given. */
export function normaliseAddress(raw: string): string | null {
  let address = raw.trim();
  if (address.startsWith("[") && address.endsWith("]")) address = address.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return null;
  const [head, tail = ""] = address.toLowerCase().split("%")[0].split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::1.2.3.4 forms) sits in the last 32 bits, beyond the /64 kept below.
  const fill = Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0");
  const groups = address.includes("::") ? [...headGroups, ...fill, ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(":")}::/64`;
}

/**
 * The client's address for rate limiting, or null when it cannot be known (then only the per-account limit applies).
 * With TRUST_PROXY=n, the n-th X-Forwarded-For entry from the right is the client: each trusted proxy appended
 * the address it saw, and anything further left was written by the client and proves nothing.
 */
export function clientAddress(request: Request, trustedProxies = getEnv().TRUST_PROXY): string | null {
  const peer = request.headers.get(PEER_ADDRESS_HEADER);
  if (trustedProxies > 0) {
    const forwarded = (request.headers.get("X-Forwarded-For") ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    const entry = forwarded.length >= trustedProxies ? forwarded[forwarded.length - trustedProxies] : forwarded[0];
    const fromProxy = entry ? normaliseAddress(entry) : null;
    if (fromProxy) return fromProxy;
  }
  return peer ? normaliseAddress(peer) : null;
}
