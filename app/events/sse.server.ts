// A server-sent event stream with ids and a heartbeat, that releases everything when the client goes away.
import { getEnv } from "~/config/env.server";
import { describeError, logger } from "~/observability/logger.server";

export type SseMessage = { event: string; id?: number | string; data: unknown };

export type SseChannel = {
  send(message: SseMessage): void;
  /** Runs when the stream ends for any reason; register listeners' removal here. */
  onClose(cleanup: () => void): void;
  readonly closed: boolean;
};

const encoder = new TextEncoder();

export function formatSseMessage({ event, id, data }: SseMessage): string {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return `event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

export function parseLastEventId(request: Request): number | null {
  const raw = request.headers.get("Last-Event-ID") ?? new URL(request.url).searchParams.get("lastEventId");
  if (raw === null || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/**
 * `open` subscribes and sends what the client missed; it runs after the headers go out.
 * Abort of the request (client gone) or a failure in `open` ends the stream and runs every cleanup once.
 */
export function eventStreamResponse(request: Request, open: (channel: SseChannel) => Promise<void>): Response {
  const cleanups: Array<() => void> = [];
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    if (heartbeat) clearInterval(heartbeat);
    request.signal.removeEventListener("abort", close);
    for (const cleanup of cleanups.splice(0)) cleanup();
    try {
      controllerRef?.close();
    } catch {
      // Already closed by the consumer.
    }
  };

  const write = (text: string) => {
    if (closed || !controllerRef) return;
    try {
      controllerRef.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };

  const channel: SseChannel = {
    send: (message) => write(formatSseMessage(message)),
    onClose: (cleanup) => {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    get closed() {
      return closed;
    },
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      if (request.signal.aborted) return close();
      request.signal.addEventListener("abort", close);
      // The retry hint keeps browser reconnects quick; the comment line flushes headers through proxies.
      write("retry: 2000\n: stream open\n\n");
      heartbeat = setInterval(() => write(": heartbeat\n\n"), getEnv().SSE_HEARTBEAT_SECONDS * 1000);
      open(channel).catch((error) => {
        logger.error("sse.open_failed", { path: new URL(request.url).pathname, error: describeError(error) });
        close();
      });
    },
    cancel() {
      close();
    },
  });

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform keeps the production server's compression from buffering the stream.
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
      Connection: "keep-alive",
    },
  });
}
