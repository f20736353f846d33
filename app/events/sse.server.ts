// Server-sent event channels: on a node:http response (the production server's lean path) or on a web Response body
// (the Remix routes, for `npm run dev`), with ids, one shared heartbeat timer, back-pressure, and release on close.
import type { ServerResponse } from "node:http";
import { getEnv } from "~/config/env.server";
import { describeError, logger } from "~/observability/logger.server";

export type SseMessage = { event: string; id?: number | string; data: unknown };

/** What runs when a stream ends: a function, or an object that leaves what it joined (a relay) by its `release`. */
export type Cleanup = (() => void) | { release(): void };

export type SseChannel = {
  /** Writes one event; false once the client's buffer is full (a replay then waits for `drained`). */
  send(message: SseMessage): boolean;
  /** Writes a prepared frame: `head` (this stream's own lines, may be empty) then `body`, encoded once for many streams. */
  sendFrame(head: string, body: EncodedBody): boolean;
  /** Resolves when the client has taken what was buffered (or the stream closed). */
  drained(): Promise<void>;
  /** Runs when the stream ends for any reason; register listeners' removal here. */
  onClose(cleanup: Cleanup): void;
  /** Ends the stream from the server's side (the client reconnects and is judged again). */
  close(): void;
  readonly closed: boolean;
};

/** What a stream sends once its channel is open, and how it gives back what its admission took, opened or not. */
export type StreamSource = {
  /** Registers on the channel's close what gives the admission back, before anything else, then sends. */
  open(channel: SseChannel): Promise<void>;
  /** Idempotent; runs at once when the stream never opens (the client already left) or `open` fails. */
  release(): void;
};

export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform keeps proxies' compression from buffering the stream.
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};

// The retry hint keeps browser reconnects quick; the comment line flushes headers through proxies.
const PREAMBLE = Buffer.from("retry: 2000\n: stream open\n\n");
const HEARTBEAT = Buffer.from(": heartbeat\n\n");

export function formatSseMessage({ event, id, data }: SseMessage): string {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return `event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

/**
 * A frame's part shared by many streams, encoded once: its text (a stream's own head goes before it, and head and
 * body leave in one write), its size, and for a frame sent as it is (no head) its bytes.
 */
export type EncodedBody = { readonly text: string; readonly byteLength: number; readonly bytes?: Buffer };

export function encodedText(text: string): EncodedBody {
  return { text, byteLength: Buffer.byteLength(text) };
}

/** A whole frame, the same for every stream: written as these very bytes. */
export function encodeSseMessage(message: SseMessage): EncodedBody {
  const bytes = Buffer.from(formatSseMessage(message));
  return { text: bytes.toString(), byteLength: bytes.byteLength, bytes };
}

/** The `data:` line of an event and the blank line that ends it, encoded once for every stream that sends it. */
export function encodeSseData(data: unknown): EncodedBody {
  return encodedText(`data: ${JSON.stringify(data)}\n\n`);
}

export function parseLastEventId(raw: string | null): number | null {
  if (raw === null || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

// ---- One timer for every stream of the process: heartbeats, and the periodic hooks (access re-checks) ----

type Beating = { heartbeat(): void };
const beating = new Set<Beating>();
const tickHooks = new Set<() => void>();
let ticker: ReturnType<typeof setInterval> | undefined;
/** Heartbeats go out in slices, so a tick over many thousand streams never holds up a request. */
const HEARTBEAT_SLICE = 1000;

function tick() {
  for (const hook of tickHooks) {
    try {
      hook();
    } catch (error) {
      logger.error("sse.tick_failed", { error: describeError(error) });
    }
  }
  const all = [...beating];
  const beatFrom = (start: number) => {
    const end = Math.min(all.length, start + HEARTBEAT_SLICE);
    for (let i = start; i < end; i++) all[i].heartbeat();
    if (end < all.length) setImmediate(beatFrom, end);
  };
  beatFrom(0);
}

function join(stream: Beating) {
  beating.add(stream);
  if (!ticker) {
    ticker = setInterval(tick, getEnv().SSE_HEARTBEAT_SECONDS * 1000);
    ticker.unref();
  }
}

function leave(stream: Beating) {
  beating.delete(stream);
  if (beating.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

/** Runs `hook` on every heartbeat tick while any stream is open; returns its removal. */
export function onStreamTick(hook: () => void): () => void {
  tickHooks.add(hook);
  return () => tickHooks.delete(hook);
}

export function openStreamCount(): number {
  return beating.size;
}

// ---- node:http: res.write directly ----

function runCleanups(list: Cleanup[]) {
  for (const cleanup of list) {
    try {
      if (typeof cleanup === "function") cleanup();
      else cleanup.release();
    } catch (error) {
      logger.error("sse.cleanup_failed", { error: describeError(error) });
    }
  }
}

/** Body bytes written so far (the access log reports them when the stream ends). */
export type SentBytes = { bytes: number };

/** The channel a response carries, for the one close listener all streams share. */
const CHANNEL = Symbol("sse channel");
type ChannelResponse = ServerResponse & { [CHANNEL]?: NodeChannel };

function releaseChannelOf(this: ChannelResponse) {
  this[CHANNEL]?.release();
}

class NodeChannel implements SseChannel, Beating {
  /** Null once run: a cleanup registered later runs at once. */
  private cleanups: Cleanup[] | null = [];
  closed = false;

  constructor(
    private readonly res: ChannelResponse,
    private readonly sent: SentBytes,
  ) {
    // One function for every stream (no closure each), and `on`, not `once`: "close" comes once, and a stream should
    // not hold a wrapper for hours.
    res[CHANNEL] = this;
    res.on("close", releaseChannelOf);
  }

  heartbeat() {
    if (this.closed) return;
    this.sent.bytes += HEARTBEAT.byteLength;
    this.res.write(HEARTBEAT);
  }

  send(message: SseMessage): boolean {
    if (this.closed) return false;
    const text = formatSseMessage(message);
    this.sent.bytes += Buffer.byteLength(text);
    return this.res.write(text);
  }

  sendFrame(head: string, body: EncodedBody): boolean {
    if (this.closed) return false;
    // The head is ASCII (an event name and an id).
    this.sent.bytes += head.length + body.byteLength;
    if (head === "" && body.bytes) return this.res.write(body.bytes);
    // One write of one string: cheaper per stream than corking two writes into a writev.
    return this.res.write(head + body.text);
  }

  drained(): Promise<void> {
    if (this.closed || !this.res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }

  onClose(cleanup: Cleanup) {
    // A copy one longer, not a push (nor a spread): those reserve room for 17 or 20, and an open stream keeps its
    // list for hours.
    if (this.cleanups) this.cleanups = this.cleanups.concat([cleanup]);
    else runCleanups([cleanup]);
  }

  close() {
    if (!this.res.writableEnded) this.res.end();
    this.release();
  }

  /** Once, however the stream ends: the response's close, or `close`. */
  release() {
    if (this.closed) return;
    this.closed = true;
    leave(this);
    const cleanups = this.cleanups ?? [];
    this.cleanups = null;
    runCleanups(cleanups);
  }
}

/**
 * node:http keeps a response's header block for as long as the response lives, as the string it was concatenated
 * from: a tree of some twenty pieces. An open stream holds one flat copy of the same text instead (about 0.7 KiB less
 * per stream). Only the kept text is replaced, with an equal string, before it is written.
 */
function keepHeaderFlat(res: ServerResponse) {
  const kept = res as unknown as { _header?: unknown };
  if (typeof kept._header === "string") kept._header = Buffer.from(kept._header, "latin1").toString("latin1");
}

/**
 * Answers `res` with an event stream: headers and the preamble at once, then `source.open` subscribes and sends what
 * the client missed. The client going away (or a failure in `open`) ends the stream and runs every cleanup once.
 */
export function serveEventStream(
  res: ServerResponse,
  path: string,
  source: StreamSource,
  sent: SentBytes = { bytes: 0 },
) {
  // Ended while it was judged (the server is shutting down) or already gone: nothing to open, its place goes back.
  if (res.writableEnded || res.destroyed) return source.release();
  const channel = new NodeChannel(res, sent);
  // The first event (a snapshot, a short replay) follows within microtasks: held until then, it leaves with the headers
  // in one write instead of two, which on a connect storm is most of the kernel's work per stream.
  const socket = res.socket;
  socket?.cork();
  res.writeHead(200, SSE_HEADERS);
  keepHeaderFlat(res);
  sent.bytes += PREAMBLE.byteLength;
  res.write(PREAMBLE);
  if (res.destroyed) {
    channel.close();
    return source.release();
  }
  join(channel);
  source.open(channel).catch((error) => {
    logger.error("sse.open_failed", { path, error: describeError(error) });
    channel.close();
    source.release();
  });
  if (socket) setImmediate(() => socket.uncork());
}

// ---- Web Response body: the Remix routes (`npm run dev`) ----

/** What the web body buffers before `send` reports a full client. */
const WEB_HIGH_WATER_MARK = 64 * 1024;

/** The same stream as `serveEventStream`, as a web Response (for the Remix routes). */
export function eventStreamResponse(request: Request, source: StreamSource): Response {
  // Released on close as well as by `open`'s own registration: release is idempotent.
  let cleanups: Cleanup[] | null = [source];
  let closed = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  const pullWaiters: Array<() => void> = [];
  const wake = () => pullWaiters.splice(0).forEach((resolve) => resolve());

  const enqueue = (bytes: Uint8Array): boolean => {
    if (closed || !controllerRef) return false;
    try {
      controllerRef.enqueue(bytes);
    } catch {
      channel.close();
      return false;
    }
    return (controllerRef.desiredSize ?? 0) > 0;
  };

  const channel: SseChannel & Beating = {
    heartbeat: () => void enqueue(HEARTBEAT),
    send: (message) => enqueue(Buffer.from(formatSseMessage(message))),
    sendFrame: (head, body) => enqueue(head === "" && body.bytes ? body.bytes : Buffer.from(head + body.text)),
    drained: () =>
      closed || !controllerRef || (controllerRef.desiredSize ?? 0) > 0
        ? Promise.resolve()
        : new Promise((resolve) => pullWaiters.push(resolve)),
    onClose: (cleanup) => {
      if (cleanups) cleanups.push(cleanup);
      else runCleanups([cleanup]);
    },
    close: () => {
      if (closed) return;
      closed = true;
      leave(channel);
      request.signal.removeEventListener("abort", channel.close);
      wake();
      const list = cleanups ?? [];
      cleanups = null;
      runCleanups(list);
      try {
        controllerRef?.close();
      } catch {
        // Already closed by the consumer.
      }
    },
    get closed() {
      return closed;
    },
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller;
        if (request.signal.aborted) return channel.close();
        request.signal.addEventListener("abort", channel.close);
        enqueue(PREAMBLE);
        join(channel);
        source.open(channel).catch((error) => {
          logger.error("sse.open_failed", { path: new URL(request.url).pathname, error: describeError(error) });
          channel.close();
        });
      },
      pull() {
        wake();
      },
      cancel() {
        channel.close();
      },
    },
    { highWaterMark: WEB_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, { headers: SSE_HEADERS });
}
