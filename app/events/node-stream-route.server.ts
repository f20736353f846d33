// The event streams on the production server's lean path: straight from node:http to the stream, without the fetch
// adapter or Remix's router; refusals go through the JSON API's own error mapping, so both paths answer alike.
import type { IncomingMessage, ServerResponse } from "node:http";
import { planStream, type StreamRequest } from "~/events/stream-endpoints.server";
import { serveEventStream, SSE_HEADERS, type SentBytes, type StreamSource } from "~/events/sse.server";
import type { StreamKind } from "~/events/stream-access.server";
import { handleApi } from "~/http/api-error.server";

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : Array.isArray(value) ? value.join("; ") : null;
}

/**
 * Answers one stream request on `res`: the stream (for HEAD its headers alone), or the refusal in the API's error shape
 * (docs/recording-api.md).
 */
export async function serveStreamRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: { kind: StreamKind; liveSessionId?: string; path: string },
  query: URLSearchParams,
  sent: SentBytes,
): Promise<void> {
  const request: StreamRequest = {
    kind: route.kind,
    method: req.method === "HEAD" ? "HEAD" : "GET",
    cookie: header(req, "cookie"),
    lastEventId: header(req, "last-event-id"),
    query,
    liveSessionId: route.liveSessionId,
  };
  let source: StreamSource;
  try {
    source = await planStream(request);
  } catch (error) {
    // Rare (a refusal): the fetch Request exists only for the error mapping's log line.
    const response = await handleApi(
      new Request(new URL(route.path, "http://localhost"), { method: request.method }),
      () => Promise.reject(error),
    );
    res.statusCode = response.status;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    const body = Buffer.from(await response.arrayBuffer());
    if (request.method === "HEAD") return void res.end();
    sent.bytes += body.byteLength;
    res.end(body);
    return;
  }
  if (request.method === "HEAD") {
    source.release();
    if (!res.destroyed) res.writeHead(200, SSE_HEADERS).end();
    return;
  }
  // A client that left while it was judged is released there and then.
  serveEventStream(res, route.path, source, sent);
}
