// The event streams on the production server's lean path: straight from node:http to the stream, without the fetch
// adapter or Remix's router; refusals go through the JSON API's own error mapping, so both paths answer alike.
import type { IncomingMessage, ServerResponse } from "node:http";
import { planStream, type StreamOpener, type StreamRequest } from "~/events/stream-endpoints.server";
import { serveEventStream, type SentBytes } from "~/events/sse.server";
import type { StreamKind } from "~/events/stream-access.server";
import { handleApi } from "~/http/api-error.server";

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : Array.isArray(value) ? value.join("; ") : null;
}

/** Answers one stream request on `res`: the stream, or the refusal in the API's error shape (docs/recording-api.md). */
export async function serveStreamRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: { kind: StreamKind; liveSessionId?: string; path: string },
  query: URLSearchParams,
  sent: SentBytes,
): Promise<void> {
  const request: StreamRequest = {
    kind: route.kind,
    cookie: header(req, "cookie"),
    lastEventId: header(req, "last-event-id"),
    query,
    liveSessionId: route.liveSessionId,
  };
  let opener: StreamOpener;
  try {
    opener = await planStream(request);
  } catch (error) {
    // Rare (a refusal): the fetch Request exists only for the error mapping's log line.
    const response = await handleApi(new Request(new URL(route.path, "http://localhost"), { method: "GET" }), () =>
      Promise.reject(error),
    );
    res.statusCode = response.status;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    const body = Buffer.from(await response.arrayBuffer());
    sent.bytes += body.byteLength;
    res.end(body);
    return;
  }
  if (res.destroyed) {
    // The client left while it was judged: its place is taken only once a channel holds it, so nothing to release.
    return;
  }
  serveEventStream(res, route.path, opener, sent);
}
