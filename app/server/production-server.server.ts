// The production server (`npm start`): node:http in front of Remix's request handler, with static files, a body size
// limit checked before anything parses, the cross-site rule for pages, JSON errors under /api, one log line per
// request, and a shutdown that ends event streams and closes every connection to the database.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { resolve } from "node:path";
import type { Duplex } from "node:stream";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { stopWritingPeerAddressOnRequestStart } from "~/auth/client-address.server";
import { getEnv } from "~/config/env.server";
import { startSqliteWriteWorker } from "~/db/sqlite-write-worker.server";
import { PAGE_STREAM_PATH } from "~/events/live-wire";
import { serveStreamRoute } from "~/events/node-stream-route.server";
import type { SentBytes } from "~/events/sse.server";
import { matchStreamPath } from "~/events/stream-endpoints.server";
import { describeError, logger } from "~/observability/logger.server";
import { logRequest } from "~/server/access-log.server";
import { createApiErrorFallback, isApiPath } from "~/server/api-error-fallback.server";
import {
  declaredBodyLength,
  drainUnreadBody,
  hasRequestBody,
  keepRefusedBodyUnread,
  requestBody,
  requestUrl,
  sendFetchResponse,
  toFetchRequest,
} from "~/server/http-bridge.server";
import {
  badRequestTarget,
  bodyTooLarge,
  crossSitePost,
  methodNotServed,
  serverError,
  shuttingDown,
} from "~/server/refusals.server";
import { closeServerResources } from "~/server/shutdown.server";
import { createStaticFiles } from "~/server/static-files.server";

/** Forms and JSON are small; anything larger is refused before a byte of it is parsed. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * Routes that read their own body within a smaller limit and record a refusal themselves (every webhook delivery,
 * refused or not, is stored): the server does not answer for them early, though the overall limit still holds.
 */
const ROUTES_WITH_OWN_BODY_LIMIT = new Set(["/api/webhooks/jitsi-recording"]);

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Methods no route serves; TRACE would echo a request (its cookies) back, CONNECT would make this a proxy. */
const METHODS_NOT_SERVED = new Set(["TRACE", "CONNECT", "TRACK"]);

/**
 * A whole request (headers and body) must arrive within this; a client trickling its body is cut off with 408, so
 * slow clients cannot hold connections for minutes. Event streams are not affected: their request ends with its
 * headers, and the answer that follows has no limit.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
/** The headers alone within this. */
export const HEADERS_TIMEOUT_MS = 20_000;
/** How often Node looks for requests past those limits. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export type ProductionServer = {
  port: number;
  /** Stops accepting, ends event streams, waits for answers under way, closes the database; the process stays. */
  close(): Promise<void>;
};

export class ServerStartError extends Error {
  name = "ServerStartError";
}

/**
 * What an open event stream's access-log line needs when it ends, kept on its response: the bytes sent (the channel
 * adds to them), the path, and the start in whole milliseconds (an integer field needs no number box of its own).
 */
class LeanStream implements SentBytes {
  bytes = 0;
  readonly startedMs = Math.round(performance.now());
  constructor(readonly path: string) {}
}
const LEAN_STREAM = Symbol("lean stream");
type LeanStreamResponse = ServerResponse & { [LEAN_STREAM]?: LeanStream };

/**
 * A URL's pathname is a slice of the URL's whole text and keeps all of it alive: a stream that lives for hours keeps
 * its own copy of the path instead (the page stream's, the usual one, is the shared constant).
 */
function ownCopy(path: string): string {
  return path === PAGE_STREAM_PATH ? PAGE_STREAM_PATH : Buffer.from(path, "latin1").toString("latin1");
}

type Exchange = {
  abort: AbortController;
  stream: boolean;
};

export async function startProductionServer(
  build: ServerBuild,
  options: { handleSignals?: boolean } = {},
): Promise<ProductionServer> {
  const env = getEnv();
  // toFetchRequest writes the peer address of what goes to Remix.
  stopWritingPeerAddressOnRequestStart();
  const handleRemixRequest = createRequestHandler(build, env.NODE_ENV);
  const withApiErrorShape = createApiErrorFallback(build);
  const serveStatic = createStaticFiles([
    {
      urlPrefix: build.publicPath,
      dir: resolve(build.assetsBuildDirectory),
      // File names carry a content hash: a changed file is a new URL.
      cacheControl: "public, max-age=31536000, immutable",
      exclusive: true,
    },
    { urlPrefix: "/", dir: resolve("public"), cacheControl: "public, max-age=3600", exclusive: false },
  ]);

  const open = new Set<Exchange>();
  let closing: Promise<void> | undefined;
  let whenIdle: (() => void) | undefined;

  /** Open event streams, apart from other requests: a stream lives for hours, so it holds only what it needs. */
  const streams = new Set<ServerResponse>();
  /** A shutdown waits for the last request or stream to end. */
  const settleIfIdle = () => {
    if (closing && open.size === 0 && streams.size === 0) whenIdle?.();
  };

  /** One listener for every stream's close (no closure each): its access-log line, from the record on the response. */
  function leanStreamClosed(this: LeanStreamResponse) {
    const stream = this[LEAN_STREAM];
    if (!stream) return;
    this[LEAN_STREAM] = undefined;
    streams.delete(this);
    const aborted = !this.writableFinished;
    logRequest({
      method: this.req.method ?? "GET",
      path: stream.path,
      status: this.statusCode,
      durationMs: Math.round(performance.now()) - stream.startedMs,
      bytes: stream.bytes,
      stream: true,
      ...(aborted ? { aborted: true as const } : {}),
    });
    settleIfIdle();
  }

  /**
   * Event streams take the lean path: straight to the socket, thousands per instance (docs/decisions/0013). HEAD too:
   * judged alike and answered with headers only (through Remix, whose HEAD answer drops the body, it would open one).
   */
  function serveLeanStream(req: IncomingMessage, res: LeanStreamResponse, path: string, search: string) {
    const route = matchStreamPath(path);
    if (!route) return false;
    const stream = new LeanStream(ownCopy(path));
    res[LEAN_STREAM] = stream;
    streams.add(res);
    res.on("close", leanStreamClosed);
    serveStreamRoute(req, res, { ...route, path }, new URLSearchParams(search), stream).catch((error) => {
      logger.error("http.server_error", { method: req.method, path, error: describeError(error) });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? "GET";
    const url = requestUrl(req, env.appOrigin);
    // Only the path and the query string go on: the URL object stays with the requests that end soon.
    const lean = (method === "GET" || method === "HEAD") && !closing && url;
    if (lean && serveLeanStream(req, res, url.pathname, url.search.slice(1))) return;
    const started = performance.now();
    const path = url?.pathname ?? "(unreadable)";
    const api = url ? isApiPath(url.pathname) : false;
    const exchange: Exchange = { abort: new AbortController(), stream: false };
    const sent = { bytes: 0 };
    open.add(exchange);
    res.once("close", () => {
      open.delete(exchange);
      const aborted = !res.writableFinished;
      // The client went away: loaders and event streams watching the signal stop and release what they hold.
      if (aborted) exchange.abort.abort();
      logRequest({
        method,
        path,
        status: res.statusCode,
        durationMs: Math.round(performance.now() - started),
        bytes: sent.bytes,
        ...(exchange.stream ? { stream: true as const } : {}),
        ...(aborted ? { aborted: true as const } : {}),
      });
      settleIfIdle();
    });

    const send = async (response: Response, options: { refusedBody?: boolean } = {}) => {
      exchange.stream = (response.headers.get("Content-Type") ?? "").startsWith("text/event-stream");
      if (exchange.stream && closing) exchange.abort.abort();
      if (options.refusedBody) {
        keepRefusedBodyUnread(req, res);
        // The unread rest of the body makes the connection useless: the client is told so (`Connection: close`).
        res.shouldKeepAlive = false;
      } else res.once("finish", () => drainUnreadBody(req));
      await sendFetchResponse(res, response, { head: method === "HEAD", sent });
    };

    try {
      if (closing) return await send(shuttingDown(api));
      if (!url) return await send(badRequestTarget());
      if (METHODS_NOT_SERVED.has(method)) return await send(methodNotServed(api, method), { refusedBody: true });

      if (!api && (method === "GET" || method === "HEAD")) {
        if ((await serveStatic(req, res, url.pathname, sent)).served) return;
      }

      // Pages: a form posted from another site is refused here (API routes answer 403 cross_origin themselves).
      // Remix checks a posted page's Origin against the Host header, which a proxy may have rewritten; the app's rule is
      // APP_URL, so once that rule is met Remix is told APP_URL's host.
      const origin = req.headers.origin;
      const overrideHeaders: Record<string, string> = {};
      if (!api && UNSAFE_METHODS.has(method) && origin !== undefined) {
        if (origin !== env.appOrigin) {
          return await send(crossSitePost(url.searchParams.has("_data")), { refusedBody: true });
        }
        overrideHeaders["X-Forwarded-Host"] = new URL(env.appOrigin).host;
      }

      let body: ReturnType<typeof requestBody> | undefined;
      const declared = declaredBodyLength(req) ?? 0;
      if (hasRequestBody(method)) {
        if (declared > MAX_REQUEST_BODY_BYTES && !ROUTES_WITH_OWN_BODY_LIMIT.has(url.pathname)) {
          return await send(bodyTooLarge(api, MAX_REQUEST_BODY_BYTES), { refusedBody: true });
        }
        if (/100-continue/i.test(req.headers.expect ?? "")) res.writeContinue();
        body = requestBody(req, MAX_REQUEST_BODY_BYTES);
      }

      let response = await handleRemixRequest(
        toFetchRequest(req, url, exchange.abort.signal, body?.stream, overrideHeaders),
      );
      if (body?.overflowed) {
        // A body without a declared length outgrew the limit while the app read it: whatever the app answered, this is the answer.
        await response.body?.cancel().catch(() => undefined);
        response = bodyTooLarge(api, MAX_REQUEST_BODY_BYTES);
      }
      body?.detach();
      if (api) response = await withApiErrorShape(response, url.pathname, method);
      // What the app left unread is dropped so the connection can be reused, unless it is more than the limit.
      const refusedBody = Boolean(body?.overflowed) || response.status === 413 || declared > MAX_REQUEST_BODY_BYTES;
      await send(response, { refusedBody });
    } catch (error) {
      logger.error("http.server_error", { method, path, error: describeError(error) });
      if (!res.headersSent) await send(serverError(api)).catch(() => res.destroy());
      else res.destroy();
    }
  }

  const server = createServer(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    (req, res) => void handle(req, res),
  );
  // Expect: 100-continue is answered only once the declared size is accepted, so a refused body is never sent.
  server.on("checkContinue", (req, res) => void handle(req, res));
  // Longer than the idle timeout of common proxies and load balancers (60 s), so they never reuse a connection just closed.
  server.keepAliveTimeout = 65_000;
  // Beyond this many open connections (event streams included) a new one is closed at once: the process stays within
  // its open-file limit and keeps serving the connections it has (docs/administration: put a proxy in front).
  server.maxConnections = env.HTTP_MAX_CONNECTIONS;
  let droppedSinceLine = 0;
  let quietUntil = 0;
  server.on("drop", () => {
    // One line per ten seconds at most: a flood of connections must not flood the log too.
    droppedSinceLine++;
    if (Date.now() < quietUntil) return;
    logger.warn("http.connections_dropped", { count: droppedSinceLine, maxConnections: env.HTTP_MAX_CONNECTIONS });
    droppedSinceLine = 0;
    quietUntil = Date.now() + 10_000;
  });
  // CONNECT never reaches the request handler: answer it here, once, and close.
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    socket.end(
      "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
  });

  if (env.databaseProvider === "sqlite") startSqliteWriteWorker();
  const port = env.PORT;
  await new Promise<void>((resolveListening, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new ServerStartError(
            `Port ${port} is already in use. Stop the process that holds it, or set PORT to a free port.`,
          ),
        );
      } else if (error.code === "EACCES") {
        reject(
          new ServerStartError(
            `Port ${port} needs privileges this process does not have. Set PORT to a port above 1023.`,
          ),
        );
      } else reject(error);
    });
    server.listen(port, () => resolveListening());
  });
  logger.info("server.listening", { port, url: `http://localhost:${port}`, appUrl: env.APP_URL, mode: env.NODE_ENV });

  async function close() {
    closing ??= (async () => {
      const startedAt = performance.now();
      const openStreams = [...open].filter((exchange) => exchange.stream).length + streams.size;
      logger.info("server.shutdown_started", { openRequests: open.size + streams.size - openStreams, openStreams });
      server.close();
      server.closeIdleConnections();
      // Ending the streams (not cutting them) tells browsers to reconnect, to another instance if there is one.
      for (const exchange of open) if (exchange.stream) exchange.abort.abort();
      for (const stream of streams) stream.end();
      if (open.size + streams.size > 0) await new Promise<void>((resolveIdle) => (whenIdle = resolveIdle));
      server.closeAllConnections();
      await closeServerResources();
      logger.info("server.shutdown_complete", { durationMs: Math.round(performance.now() - startedAt) });
    })();
    return closing;
  }

  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        logger.warn("server.shutdown_forced", { signal });
        process.exit(1);
      }
      logger.info("server.signal", { signal });
      const deadline = setTimeout(() => {
        logger.error("server.shutdown_deadline", { deadlineMs: SHUTDOWN_DEADLINE_MS, openRequests: open.size });
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      close().then(
        () => process.exit(0),
        (error) => {
          logger.error("server.shutdown_failed", { error: describeError(error) });
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }

  return { port, close };
}
