// Between node:http and the Fetch API that Remix speaks: a request in as a Request, a Response out, both streamed.
import { PEER_ADDRESS_HEADER } from "~/auth/client-address.server";
import type { IncomingMessage, ServerResponse } from "node:http";

export class RequestBodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
    this.name = "RequestBodyTooLargeError";
  }
}

/** Hosts a Request URL may carry: a name or address and a port, nothing that could change the URL's shape. */
const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The request's URL. The path is taken as it came (a path of `//other.example/x` stays a path), the host from the
 * Host header when it is well formed, otherwise from APP_URL. Null when the target is not a path at all.
 */
export function requestUrl(req: IncomingMessage, fallbackOrigin: string): URL | null {
  const target = req.url ?? "";
  const host = req.headers.host;
  const origin = host && HOST_HEADER.test(host) ? `http://${host}` : fallbackOrigin;
  try {
    if (target.startsWith("/")) return new URL(`${origin}${target}`);
    // Absolute form (`GET http://host/path`), as proxies may send: keep its path and query only.
    const absolute = new URL(target);
    return new URL(`${origin}${absolute.pathname}${absolute.search}`);
  } catch {
    return null;
  }
}

export function declaredBodyLength(req: IncomingMessage): number | null {
  const raw = req.headers["content-length"];
  if (raw === undefined || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}

export function hasRequestBody(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}

export type RequestBody = {
  stream: ReadableStream<Uint8Array>;
  /** True once more than the limit arrived; the stream then errored with RequestBodyTooLargeError. */
  readonly overflowed: boolean;
  /** Stops handing chunks to the stream (what is still unread is the caller's to drain or drop). */
  detach(): void;
};

/**
 * The body as a web stream that reads from the socket only as fast as it is consumed, and errors as soon as more than
 * `limit` bytes arrived: an oversized body is never gathered in memory.
 */
export function requestBody(req: IncomingMessage, limit: number): RequestBody {
  let total = 0;
  let done = false;
  let overflowed = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const finish = (outcome: () => void) => {
    if (done) return;
    done = true;
    outcome();
  };
  const onData = (chunk: Buffer) => {
    if (done || !controllerRef) return;
    total += chunk.byteLength;
    if (total > limit) {
      overflowed = true;
      req.pause();
      const controller = controllerRef;
      return finish(() => controller.error(new RequestBodyTooLargeError(limit)));
    }
    controllerRef.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controllerRef.desiredSize ?? 0) <= 0) req.pause();
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      req.on("data", onData);
      req.once("end", () => finish(() => controller.close()));
      req.once("error", (error) => finish(() => controller.error(error)));
      req.once("close", () => {
        if (!req.complete) finish(() => controller.error(new Error("The client closed the connection mid-body.")));
      });
    },
    pull() {
      if (!done) req.resume();
    },
    cancel() {
      done = true;
      req.pause();
    },
  });

  return {
    stream,
    get overflowed() {
      return overflowed;
    },
    detach() {
      done = true;
      req.off("data", onData);
      req.pause();
    },
  };
}

export function toFetchRequest(
  req: IncomingMessage,
  url: URL,
  signal: AbortSignal,
  body?: ReadableStream<Uint8Array>,
  overrideHeaders: Record<string, string> = {},
) {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  for (const [name, value] of Object.entries(overrideHeaders)) headers.set(name, value);
  // The socket's own address, never a client's claim: the login limit counts by it.
  headers.set(PEER_ADDRESS_HEADER, req.socket.remoteAddress ?? "");
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  if (body && hasRequestBody(method)) Object.assign(init, { body, duplex: "half" });
  return new Request(url, init);
}

/**
 * A refused body stays with its sender: nothing more of it is read off the socket (Node would otherwise read the rest
 * to drop it, in buffers that wait for the garbage collector), the connection is ended once the answer is out, and
 * closed after a grace in which the client reads the answer (closing at once could reset it before the client does).
 * Call before the answer is sent.
 */
export function keepRefusedBodyUnread(req: IncomingMessage, res: ServerResponse, graceMs = 1_000) {
  if (req.complete) return;
  req.pause();
  // A 'readable' listener that never reads: Node counts the body as taken, so it does not drain it when the answer
  // ends, and TCP holds the sender back once a few kilobytes wait here.
  req.on("readable", () => undefined);
  // The answer says `Connection: close`, on which Node destroys the socket as soon as the answer is written; with the
  // unread body still in the kernel's buffer that is a reset, which can reach the client before it read the answer.
  // Ending (not destroying) the socket instead leaves the grace below to the client.
  const socket = req.socket as typeof req.socket & { destroySoon?: () => void };
  socket.destroySoon = () => socket.end();
  res.once("finish", () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), graceMs);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
}

/**
 * After the response, what is left of a body within the limit that the app did not read is read and dropped, so the
 * connection can carry the next request.
 */
export function drainUnreadBody(req: IncomingMessage, limitMs = 10_000) {
  if (req.complete) return;
  req.on("data", () => undefined);
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), limitMs);
  timer.unref();
  req.once("end", () => clearTimeout(timer));
  req.socket.once("close", () => clearTimeout(timer));
}

const NO_BODY_STATUS = new Set([101, 204, 205, 304]);

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Body bytes written so far, kept up to date while a long answer (an event stream) is still being sent. */
export type ByteCount = { bytes: number };

/** Writes a Response out, body chunk by chunk with back-pressure; stops reading the body when the client goes away. */
export async function sendFetchResponse(
  res: ServerResponse,
  response: Response,
  options: { head: boolean; sent: ByteCount },
): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);

  if (!response.body || options.head || NO_BODY_STATUS.has(response.status)) {
    res.end();
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  // An event stream's client sees the status and headers at once, before the first event.
  if ((response.headers.get("Content-Type") ?? "").startsWith("text/event-stream")) res.flushHeaders();

  const reader = response.body.getReader();
  const stopReading = () => void reader.cancel().catch(() => undefined);
  res.once("close", stopReading);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      options.sent.bytes += value.byteLength;
      if (!res.write(value)) await waitForDrain(res);
    }
    res.end();
  } catch (error) {
    // The body failed half-way: end the connection so the client cannot take a cut body for a whole one.
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    res.off("close", stopReading);
  }
}
