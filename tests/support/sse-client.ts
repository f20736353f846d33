// A real server-sent-events client over HTTP, for asserting exactly what a browser would receive.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";

export type SseEvent = { event: string; id: string | undefined; data: any };

export type SseConnection = {
  status: number;
  headers: IncomingMessage["headers"];
  events: SseEvent[];
  comments: string[];
  /** Resolves with the next event not yet taken, waiting up to timeoutMs. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Waits until `count` events have arrived in total. */
  waitForCount(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /**
   * Waits for the next comment (a heartbeat): whatever the server had queued for this stream before it has arrived,
   * so "nothing more came" can be judged after it rather than after some time.
   */
  nextComment(timeoutMs?: number): Promise<string>;
  close(): void;
  closed: Promise<void>;
};

export function openEventStream(
  url: string,
  options: { cookie?: string; lastEventId?: string | number; headers?: Record<string, string> } = {},
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Accept: "text/event-stream",
      "Accept-Encoding": "gzip, br",
      ...options.headers,
    };
    if (options.cookie) headers.Cookie = options.cookie;
    if (options.lastEventId !== undefined) headers["Last-Event-ID"] = String(options.lastEventId);
    let request: ClientRequest;
    let taken = 0;
    const waiters: Array<() => void> = [];
    const notify = () => waiters.splice(0).forEach((w) => w());

    request = httpRequest(url, { headers }, (response) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let buffer = "";
      let resolveClosed!: () => void;
      const closed = new Promise<void>((r) => (resolveClosed = r));
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let boundary: number;
        while ((boundary = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          let event = "message";
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments.push(line.slice(1).trim());
            else if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("id:")) id = line.slice(3).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).trim());
          }
          if (data.length > 0) {
            const text = data.join("\n");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // keep text
            }
            events.push({ event, id, data: parsed });
          }
        }
        notify();
      });
      const finish = () => {
        resolveClosed();
        notify();
      };
      response.on("end", finish);
      response.on("close", finish);
      response.on("error", finish);

      /** Waits for `done` to hold, woken by each block that arrives. */
      const until = async (done: () => boolean, timeoutMs: number, failure: () => string) => {
        const deadline = Date.now() + timeoutMs;
        while (!done()) {
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(failure());
          await new Promise<void>((r) => {
            const timer = setTimeout(r, left);
            waiters.push(() => {
              clearTimeout(timer);
              r();
            });
          });
        }
      };

      const connection: SseConnection = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        comments,
        closed,
        async next(timeoutMs = 10_000) {
          await connection.waitForCount(taken + 1, timeoutMs);
          return events[taken++];
        },
        async waitForCount(count, timeoutMs = 10_000) {
          await until(
            () => events.length >= count,
            timeoutMs,
            () => `Expected ${count} events, got ${events.length}: ${JSON.stringify(events)}`,
          );
          return events.slice(0, count);
        },
        async nextComment(timeoutMs = 30_000) {
          const seen = comments.length;
          await until(
            () => comments.length > seen,
            timeoutMs,
            () => `No comment within ${timeoutMs} ms`,
          );
          return comments[seen];
        },
        close() {
          request.destroy();
          response.destroy();
        },
      };
      resolve(connection);
    });
    request.on("error", reject);
    request.end();
  });
}
